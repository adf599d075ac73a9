// R2: buckets (create/list/get/delete) and objects (put/get/list/delete), on Miniflare's R2 store.
import { CfApiError, cfOk } from '../http/cf-envelope.ts';
import { isOneOf, isPlainObject, readJson } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';
import { nowIso } from '../state/ids.ts';
import type { R2BucketRecord } from '../state/state.ts';
import type { StateStore } from '../state/store.ts';
import type { R2Bucket, WorkersRuntime } from '../workers-runtime/runtime.ts';

type R2Object = NonNullable<Awaited<ReturnType<R2Bucket['head']>>>;

const NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const LOCATIONS = ['apac', 'eeur', 'enam', 'weur', 'wnam', 'oc'];
const bucketNotFound = () => new CfApiError(404, 10006, 'The specified bucket does not exist.');
const objectNotFound = () => new CfApiError(404, 10007, 'The specified key does not exist.');

const view = (b: R2BucketRecord) => ({
  name: b.name,
  creation_date: b.creation_date,
  location: b.location,
  storage_class: b.storage_class,
  jurisdiction: b.jurisdiction,
});

const objectView = (o: R2Object) => ({
  key: o.key,
  size: o.size,
  etag: o.etag,
  last_modified: o.uploaded.toISOString(),
  http_metadata: o.httpMetadata ?? {},
  custom_metadata: o.customMetadata ?? {},
  storage_class: 'Standard',
});

export function registerR2Routes(
  router: Router,
  { store, runtime }: { store: StateStore; runtime: WorkersRuntime },
): void {
  const base = '/client/v4/accounts/:accountId/r2/buckets';
  const find = (name: string) => {
    const b = store.data.r2.find((x) => x.name === name);
    if (!b) throw bucketNotFound();
    return b;
  };

  router.add('POST', base, { account: true, permission: 'workers_r2:write' }, async ({ request }) => {
    const body = await readJson(request);
    const name = isPlainObject(body) ? body.name : undefined;
    if (!isPlainObject(body) || typeof name !== 'string' || !NAME.test(name))
      throw new CfApiError(400, 10005, 'The specified bucket name is not valid.');
    const location = String(body.locationHint ?? body.location_hint ?? 'weur').toLowerCase();
    if (!isOneOf(LOCATIONS, location)) throw new CfApiError(400, 10040, 'The specified location hint is not valid.');
    const storageClass = body.storageClass ?? 'Standard';
    if (!isOneOf(['Standard', 'InfrequentAccess'], storageClass))
      throw new CfApiError(400, 10040, 'storageClass must be Standard or InfrequentAccess.');
    const jurisdiction = request.headers.get('cf-r2-jurisdiction') ?? 'default';
    if (!['default', 'eu', 'fedramp'].includes(jurisdiction))
      throw new CfApiError(400, 10040, 'The specified jurisdiction is not valid.');
    const created = store.transact((s) => {
      if (s.r2.some((b) => b.name === name))
        throw new CfApiError(409, 10004, 'The bucket you tried to create already exists, and you own it.');
      const bucket = {
        name,
        creation_date: nowIso(),
        location: location.toUpperCase(),
        storage_class: storageClass,
        jurisdiction,
      };
      s.r2.push(bucket);
      return bucket;
    });
    await runtime.apply();
    return cfOk(view(created));
  });

  router.add('GET', base, { account: true, permission: 'workers_r2:read' }, ({ url }) => {
    const contains = url.searchParams.get('name_contains');
    const startAfter = url.searchParams.get('start_after') ?? url.searchParams.get('cursor');
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20) || 20, 1000);
    const all = [...store.data.r2]
      .sort((a, b) => a.name.localeCompare(b.name))
      .filter((b) => (!contains || b.name.includes(contains)) && (!startAfter || b.name > startAfter));
    const page = all.slice(0, perPage);
    return cfOk(
      { buckets: page.map(view) },
      { resultInfo: { cursor: all.length > perPage ? (page.at(-1)?.name ?? '') : '', per_page: perPage } },
    );
  });

  router.add('GET', `${base}/:bucketName`, { account: true, permission: 'workers_r2:read' }, ({ params }) =>
    cfOk(view(find(params.bucketName))),
  );

  router.add('DELETE', `${base}/:bucketName`, { account: true, permission: 'workers_r2:write' }, async ({ params }) => {
    find(params.bucketName);
    const listing = await (await runtime.r2(params.bucketName)).list({ limit: 1 });
    if (listing.objects.length) throw new CfApiError(409, 10008, 'The bucket you tried to delete is not empty.');
    store.transact((s) => {
      s.r2 = s.r2.filter((b) => b.name !== params.bucketName);
    });
    await runtime.apply();
    return cfOk({});
  });

  router.add(
    'GET',
    `${base}/:bucketName/objects`,
    { account: true, permission: 'workers_r2:read' },
    async ({ params, url }) => {
      find(params.bucketName);
      const limit = Math.min(Number(url.searchParams.get('per_page') ?? 1000) || 1000, 1000);
      const listing = await (await runtime.r2(params.bucketName)).list({
        prefix: url.searchParams.get('prefix') ?? undefined,
        cursor: url.searchParams.get('cursor') || undefined,
        delimiter: url.searchParams.get('delimiter') ?? undefined,
        limit,
        include: ['httpMetadata', 'customMetadata'],
      });
      return cfOk(listing.objects.map(objectView), {
        resultInfo: {
          cursor: listing.truncated ? listing.cursor : '',
          is_truncated: listing.truncated,
          per_page: limit,
          delimited: listing.delimitedPrefixes ?? [],
        },
      });
    },
  );

  router.add(
    'PUT',
    `${base}/:bucketName/objects/*key`,
    { account: true, permission: 'workers_r2:write' },
    async ({ params, request }) => {
      find(params.bucketName);
      if (!params.key || Buffer.byteLength(params.key) > 1024)
        throw new CfApiError(400, 10020, 'Object keys must be 1–1024 bytes.');
      const body = await request.arrayBuffer();
      const object = await (await runtime.r2(params.bucketName)).put(params.key, body, {
        httpMetadata: { contentType: request.headers.get('content-type') ?? 'application/octet-stream' },
      });
      return cfOk(objectView(object));
    },
  );

  router.add(
    'GET',
    `${base}/:bucketName/objects/*key`,
    { account: true, permission: 'workers_r2:read' },
    async ({ params }) => {
      find(params.bucketName);
      const object = await (await runtime.r2(params.bucketName)).get(params.key);
      if (!object) throw objectNotFound();
      return new Response(await object.arrayBuffer(), {
        headers: {
          'content-type': object.httpMetadata?.contentType ?? 'application/octet-stream',
          etag: object.httpEtag,
        },
      });
    },
  );

  router.add(
    'DELETE',
    `${base}/:bucketName/objects/*key`,
    { account: true, permission: 'workers_r2:write' },
    async ({ params }) => {
      find(params.bucketName);
      await (await runtime.r2(params.bucketName)).delete(params.key);
      return cfOk({});
    },
  );
}
