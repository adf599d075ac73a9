// Workers Static Assets direct upload: POST …/scripts/{name}/assets-upload-session with a manifest
// ({ "/path": { hash, size } }) → { jwt, buckets: [[hash…]] } of files not stored yet; POST /workers/assets/upload
// (Bearer <upload jwt>, multipart: field = hash, value = base64 content) → the completion jwt once everything is
// there; the completion jwt goes into the upload's metadata.assets.jwt.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfApiError, cfOk } from '../http/cf-envelope.ts';
import { isPlainObject, readJson } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';
import type { AssetManifest } from '../state/state.ts';
import type { StateStore } from '../state/store.ts';
import type { AssetConfig } from '../state/workers-records.ts';
import { checkScriptName } from './workers-upload-form.ts';

const MAX_ASSET_BYTES = 25 * 1024 * 1024;
const MAX_FILES = 20_000;
const jwtLike = (kind: 'upload' | 'completion') =>
  `eyJ${Buffer.from(JSON.stringify({ kind })).toString('base64url')}.${randomBytes(24).toString('base64url')}`;

/** Exchanges a completion token for its manifest (single use). */
export function redeemCompletionToken(
  store: StateStore,
  jwt: string,
  scriptName: string,
  config: AssetConfig | undefined,
): { manifest: AssetManifest; config: AssetConfig } {
  const entry = store.data.assetUploads[jwt];
  if (entry?.kind !== 'completion' || entry.script !== scriptName)
    throw new CfApiError(400, 10021, 'Invalid or expired assets completion token.');
  store.transact((s) => {
    delete s.assetUploads[jwt];
  });
  return { manifest: entry.manifest, config: config ?? {} };
}

/** `{ "/path": { hash, size } }`, hashes lowercased. */
function parseManifest(manifest: unknown): AssetManifest {
  if (!isPlainObject(manifest)) throw new CfApiError(400, 10021, 'A `manifest` object is required.');
  const entries = Object.entries(manifest);
  if (entries.length > MAX_FILES) throw new CfApiError(400, 10021, `Too many assets (max ${MAX_FILES}).`);
  return Object.fromEntries(
    entries.map(([path, e]) => {
      if (
        !path.startsWith('/') ||
        path.includes('..') ||
        !isPlainObject(e) ||
        typeof e.hash !== 'string' ||
        !/^[0-9a-f]{32,64}$/i.test(e.hash) ||
        typeof e.size !== 'number'
      )
        throw new CfApiError(400, 10021, `Invalid manifest entry for "${path}".`);
      if (e.size > MAX_ASSET_BYTES) throw new CfApiError(400, 10021, `Asset ${path} exceeds 25 MiB.`);
      return [path, { hash: e.hash.toLowerCase(), size: e.size }];
    }),
  );
}

export function registerWorkersAssetRoutes(
  router: Router,
  { store, stateDir }: { store: StateStore; stateDir: string },
): void {
  const blobs = join(stateDir, 'asset-blobs');
  mkdirSync(blobs, { recursive: true });
  const stored = (hash: string) => existsSync(join(blobs, hash));

  router.add(
    'POST',
    '/client/v4/accounts/:accountId/workers/scripts/:scriptName/assets-upload-session',
    { account: true, permission: 'workers_scripts:write' },
    async ({ params, request }) => {
      checkScriptName(params.scriptName);
      const body = await readJson(request);
      const manifest = parseManifest(isPlainObject(body) ? body.manifest : undefined);
      const missing = [...new Set(Object.values(manifest).map((e) => e.hash))].filter((h) => !stored(h));
      const kind = missing.length ? 'upload' : 'completion';
      const jwt = jwtLike(kind);
      const created_on = new Date().toISOString();
      store.transact((s) => {
        s.assetUploads[jwt] =
          kind === 'upload'
            ? { kind, script: params.scriptName, manifest, pending: missing, created_on }
            : { kind, script: params.scriptName, manifest, created_on };
      });
      const buckets = [];
      for (let i = 0; i < missing.length; i += 10) buckets.push(missing.slice(i, i + 10));
      return cfOk({ jwt, buckets });
    },
  );

  // Authorised by the upload session's jwt, not an API token (as Cloudflare does).
  router.add(
    'POST',
    '/client/v4/accounts/:accountId/workers/assets/upload',
    { public: true },
    async ({ request, url }) => {
      const jwt = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
      const session = store.data.assetUploads[jwt];
      if (session?.kind !== 'upload')
        throw new CfApiError(401, 10000, 'Authentication error: invalid assets upload token.');
      if (url.searchParams.get('base64') !== 'true') throw new CfApiError(400, 10021, 'base64=true is required.');
      let form: FormData;
      try {
        form = await request.formData();
      } catch {
        throw new CfApiError(400, 10021, 'Malformed multipart/form-data body.');
      }
      const received: [string, Buffer][] = [];
      for (const [hash, part] of form.entries()) {
        const key = hash.toLowerCase();
        if (!session.pending.includes(key)) throw new CfApiError(400, 10021, `Unexpected asset hash ${hash}.`);
        const text = typeof part === 'string' ? part : await part.text();
        const bytes = Buffer.from(text, 'base64');
        if (bytes.byteLength > MAX_ASSET_BYTES) throw new CfApiError(400, 10021, 'Asset exceeds 25 MiB.');
        received.push([key, bytes]);
      }
      for (const [key, bytes] of received) writeFileSync(join(blobs, key), bytes);
      const pending = session.pending.filter((h) => !received.some(([k]) => k === h));
      const completion = pending.length ? null : jwtLike('completion');
      store.transact((s) => {
        if (completion) {
          s.assetUploads[completion] = {
            kind: 'completion',
            script: session.script,
            manifest: session.manifest,
            created_on: new Date().toISOString(),
          };
          delete s.assetUploads[jwt];
        } else s.assetUploads[jwt] = { ...session, pending };
      });
      return cfOk(completion ? { jwt: completion } : {}, { status: completion ? 201 : 202 });
    },
  );
}
