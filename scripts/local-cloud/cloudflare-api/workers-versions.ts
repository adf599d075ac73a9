// Creating Worker versions and deployments in the state, writing their files, and applying them to workerd
// with rollback: if the new configuration fails to start, the state goes back and the old one keeps serving.
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../error-message.ts';
import { CfApiError } from '../http/cf-envelope.ts';
import { hex32, nowIso } from '../state/ids.ts';
import type { AssetManifest, State } from '../state/state.ts';
import type { StateStore } from '../state/store.ts';
import {
  type AssetConfig,
  type Binding,
  type Deployment,
  type DeploymentVersion,
  latestVersion,
  type ScriptRecord,
  type WorkerVersion,
} from '../state/workers-records.ts';
import type { WorkersRuntime } from '../workers-runtime/runtime.ts';
import type { WorkersDevEndpoints } from '../workers-runtime/workers-dev-endpoints.ts';
import type { UploadedModule, UploadFields } from './workers-upload-form.ts';

/** Handlers a module exports, guessed from its source (Cloudflare reports them after startup). */
export function detectHandlers(modules: UploadedModule[], mainModule: string | null): string[] {
  const source =
    modules.find((m) => m.name === mainModule)?.bytes.toString('utf8') ??
    modules.map((m) => m.bytes.toString('utf8')).join('\n');
  const handlers = ['fetch', 'scheduled', 'queue', 'email', 'tail', 'alarm'].filter((h) =>
    new RegExp(`\\b${h}\\s*[(:]|\\b${h}\\s*=`).test(source),
  );
  return handlers.length ? handlers : ['fetch'];
}

/** A version as the versions API shows it: secrets without their text. */
export const versionView = (v: WorkerVersion) => ({
  id: v.id,
  number: v.number,
  metadata: {
    created_on: v.created_on,
    modified_on: v.created_on,
    source: v.source,
    author_email: 'local-cloud@castio.test',
    author_id: 'local',
    has_preview: false,
    hasPreview: false,
  },
  annotations: v.annotations,
  resources: {
    bindings: v.bindings.map((b) => (b.type === 'secret_text' ? { type: b.type, name: b.name } : b)),
    script: { etag: v.etag, handlers: v.handlers, last_deployed_from: v.source },
    script_runtime: {
      compatibility_date: v.compatibility_date,
      compatibility_flags: v.compatibility_flags,
      usage_model: 'standard',
      migration_tag: v.migration_tag ?? undefined,
    },
  },
  startup_time_ms: 5,
});

/** Writes the version's files (modules + assets) and returns the stored version record. */
export function buildVersion({
  runtime,
  stateDir,
  scriptName,
  previousScript,
  fields,
  modules,
  assetsFromUpload,
  source,
}: {
  runtime: WorkersRuntime;
  stateDir: string;
  scriptName: string;
  previousScript: ScriptRecord | null;
  fields: UploadFields;
  modules: UploadedModule[];
  /** The redeemed assets completion token of the upload. */
  assetsFromUpload: { manifest: AssetManifest; config: AssetConfig } | null;
  source: string;
}): WorkerVersion {
  const id = randomUUID();
  const dir = runtime.versionDir(scriptName, id);
  mkdirSync(join(dir, 'modules'), { recursive: true });
  for (const m of modules) {
    const file = join(dir, 'modules', m.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, m.bytes);
  }
  let assets: WorkerVersion['assets'] = null;
  if (assetsFromUpload) {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    for (const [path, entry] of Object.entries(assetsFromUpload.manifest)) {
      const target = join(dir, 'assets', path.replace(/^\/+/, ''));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(stateDir, 'asset-blobs', entry.hash), target);
    }
    assets = { config: assetsFromUpload.config, files: Object.keys(assetsFromUpload.manifest).length };
  } else if (fields.keep_assets && previousScript) {
    const prev = latestVersion(previousScript);
    if (prev?.assets) {
      cpSync(join(runtime.versionDir(scriptName, prev.id), 'assets'), join(dir, 'assets'), { recursive: true });
      assets = { ...prev.assets, config: fields.assets?.config ?? prev.assets.config };
    }
  }
  return {
    id,
    number: (previousScript?.versions.length ?? 0) + 1,
    created_on: nowIso(),
    source,
    main_module: fields.main_module,
    body_part: fields.body_part,
    modules: modules.map((m) => ({ name: m.name, content_type: m.content_type, size: m.bytes.byteLength })),
    compatibility_date: fields.compatibility_date,
    compatibility_flags: fields.compatibility_flags,
    bindings: fields.bindings,
    annotations: fields.annotations,
    migration_tag: fields.migration_tag,
    handlers: detectHandlers(modules, fields.main_module ?? fields.body_part),
    etag: hex32() + hex32(),
    assets,
  };
}

/** Copies a version with new bindings (secrets edits), keeping its files. */
export function cloneVersionWithBindings(
  runtime: WorkersRuntime,
  script: ScriptRecord,
  base: WorkerVersion,
  bindings: Binding[],
  source: string,
): WorkerVersion {
  const id = randomUUID();
  cpSync(runtime.versionDir(script.name, base.id), runtime.versionDir(script.name, id), { recursive: true });
  return {
    ...structuredClone(base),
    id,
    number: script.versions.length + 1,
    created_on: nowIso(),
    source,
    bindings,
    annotations: {},
  };
}

export const newScript = (name: string): ScriptRecord => ({
  name,
  tag: hex32(),
  created_on: nowIso(),
  modified_on: nowIso(),
  migration_tag: null,
  do_classes: {},
  versions: [],
  deployments: [],
  subdomain: { enabled: false, previews_enabled: false },
  schedules: [],
  settings: { logpush: false, observability: { enabled: false }, tags: [], tail_consumers: [] },
  port: null,
});

export const deploymentRecord = (
  versions: DeploymentVersion[],
  { annotations = {}, source = 'api' }: { annotations?: Record<string, unknown>; source?: string } = {},
): Deployment => ({
  id: randomUUID(),
  created_on: nowIso(),
  source,
  strategy: 'percentage',
  versions,
  annotations,
  author_email: 'local-cloud@castio.test',
});

export interface DeployDeps {
  store: StateStore;
  runtime: WorkersRuntime;
  endpoints: WorkersDevEndpoints;
}

/**
 * Applies the store's state to workerd; on a startup failure restores `snapshot`, re-applies, and answers 10021.
 */
export async function applyOrRollback({ store, runtime, endpoints }: DeployDeps, snapshot: State): Promise<void> {
  try {
    await runtime.apply();
  } catch (error) {
    store.restore(snapshot);
    await runtime.apply().catch(() => {});
    throw new CfApiError(
      400,
      10021,
      `Uncaught error while starting the Worker (startup failed): ${errorMessage(error).slice(0, 2000)}`,
    );
  }
  await endpoints.sync();
}
