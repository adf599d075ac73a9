// Workers KV: namespaces + values, on Miniflare's KV store (the same one a Worker binding sees).
import { CfApiError, cfOk, cfPage } from '../http/cf-envelope.ts';
import { isPlainObject, type JsonObject, readJson } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';
import { hex32 } from '../state/ids.ts';
import type { KvNamespaceRecord } from '../state/state.ts';
import type { StateStore } from '../state/store.ts';
import type { KvNamespace, WorkersRuntime } from '../workers-runtime/runtime.ts';

type PutOptions = NonNullable<Parameters<KvNamespace['put']>[2]>;

const namespaceNotFound = () => new CfApiError(404, 10013, "get namespace: 'namespace not found'");
const keyNotFound = () => new CfApiError(404, 10009, "get: 'key not found'");
const MAX_KEY_BYTES = 512;
const MAX_VALUE_BYTES = 25 * 1024 * 1024;

const view = (ns: KvNamespaceRecord) => ({ id: ns.id, title: ns.title, supports_url_encoding: true });

function checkKey(key: string) {
  if (!key || Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new CfApiError(400, 10019, 'Key names must be 1–512 bytes.');
  if (key === '.' || key === '..') throw new CfApiError(400, 10020, 'Key names "." and ".." are not allowed.');
}

/** `expiration` / `expiration_ttl` of a query string or a bulk item. */
function expirationOptions(source: JsonObject): PutOptions {
  const options: PutOptions = {};
  const expiration = source.expiration ?? null;
  const ttl = source.expiration_ttl ?? null;
  if (expiration !== null && expiration !== '') {
    const n = Number(expiration);
    if (!Number.isInteger(n) || n * 1000 < Date.now() + 60_000)
      throw new CfApiError(400, 10021, 'Invalid expiration: must be at least 60 seconds in the future.');
    options.expiration = n;
  }
  if (ttl !== null && ttl !== '') {
    const n = Number(ttl);
    if (!Number.isInteger(n) || n < 60)
      throw new CfApiError(400, 10021, 'Invalid expiration_ttl of ' + ttl + '. Expiration TTL must be at least 60.');
    options.expirationTtl = n;
  }
  return options;
}

export function registerKvRoutes(
  router: Router,
  { store, runtime }: { store: StateStore; runtime: WorkersRuntime },
): void {
  const base = '/client/v4/accounts/:accountId/storage/kv/namespaces';
  const find = (id: string) => {
    const ns = store.data.kv.find((n) => n.id === id);
    if (!ns) throw namespaceNotFound();
    return ns;
  };
  const readTitle = async (request: Request) => {
    const body = await readJson(request);
    const title = isPlainObject(body) ? body.title : undefined;
    if (typeof title !== 'string' || !title.trim() || title.length > 512)
      throw new CfApiError(400, 10019, 'A namespace `title` (1–512 characters) is required.');
    return title;
  };

  router.add('POST', base, { account: true, permission: 'workers_kv:write' }, async ({ request }) => {
    const title = await readTitle(request);
    const ns = store.transact((s) => {
      if (s.kv.some((n) => n.title === title))
        throw new CfApiError(400, 10014, 'a namespace with this account ID and title already exists');
      const created = { id: hex32(), title };
      s.kv.push(created);
      return created;
    });
    await runtime.apply();
    return cfOk(view(ns));
  });

  router.add('GET', base, { account: true, permission: 'workers_kv:read' }, ({ url }) => {
    const direction = url.searchParams.get('direction') === 'desc' ? -1 : 1;
    const order = url.searchParams.get('order') === 'id' ? 'id' : 'title';
    const list = [...store.data.kv].sort((a, b) => direction * a[order].localeCompare(b[order]));
    return cfPage(url, list.map(view), { defaultPerPage: 20, maxPerPage: 1000 });
  });

  router.add('GET', `${base}/:namespaceId`, { account: true, permission: 'workers_kv:read' }, ({ params }) =>
    cfOk(view(find(params.namespaceId))),
  );

  router.add(
    'PUT',
    `${base}/:namespaceId`,
    { account: true, permission: 'workers_kv:write' },
    async ({ params, request }) => {
      find(params.namespaceId);
      const title = await readTitle(request);
      const ns = store.transact((s) => {
        if (s.kv.some((n) => n.title === title && n.id !== params.namespaceId))
          throw new CfApiError(400, 10014, 'a namespace with this account ID and title already exists');
        const target = s.kv.find((n) => n.id === params.namespaceId);
        if (!target) throw namespaceNotFound();
        target.title = title;
        return target;
      });
      return cfOk(view(ns));
    },
  );

  router.add(
    'DELETE',
    `${base}/:namespaceId`,
    { account: true, permission: 'workers_kv:write' },
    async ({ params }) => {
      find(params.namespaceId);
      const kv = await runtime.kv(params.namespaceId);
      let cursor: string | undefined;
      do {
        const page = await kv.list({ cursor });
        await Promise.all(page.keys.map((k) => kv.delete(k.name)));
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      store.transact((s) => {
        s.kv = s.kv.filter((n) => n.id !== params.namespaceId);
      });
      await runtime.apply();
      return cfOk({});
    },
  );

  router.add(
    'GET',
    `${base}/:namespaceId/keys`,
    { account: true, permission: 'workers_kv:read' },
    async ({ params, url }) => {
      find(params.namespaceId);
      const limit = Number(url.searchParams.get('limit') ?? 1000);
      if (!Number.isInteger(limit) || limit < 10 || limit > 1000)
        throw new CfApiError(400, 10007, 'limit must be between 10 and 1000');
      const page = await (await runtime.kv(params.namespaceId)).list({
        prefix: url.searchParams.get('prefix') ?? undefined,
        cursor: url.searchParams.get('cursor') || undefined,
        limit,
      });
      return cfOk(page.keys, {
        resultInfo: { count: page.keys.length, cursor: page.list_complete ? '' : page.cursor },
      });
    },
  );

  router.add(
    'GET',
    `${base}/:namespaceId/values/:key`,
    { account: true, permission: 'workers_kv:read' },
    async ({ params }) => {
      find(params.namespaceId);
      const { value, metadata } = await (await runtime.kv(params.namespaceId)).getWithMetadata(params.key, {
        type: 'arrayBuffer',
      });
      if (value === null) throw keyNotFound();
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      if (metadata !== null) headers['cf-kv-metadata'] = JSON.stringify(metadata);
      return new Response(value, { status: 200, headers });
    },
  );

  router.add(
    'GET',
    `${base}/:namespaceId/metadata/:key`,
    { account: true, permission: 'workers_kv:read' },
    async ({ params }) => {
      find(params.namespaceId);
      const { value, metadata } = await (await runtime.kv(params.namespaceId)).getWithMetadata(params.key);
      if (value === null) throw keyNotFound();
      return cfOk(metadata);
    },
  );

  router.add(
    'PUT',
    `${base}/:namespaceId/values/:key`,
    { account: true, permission: 'workers_kv:write' },
    async ({ params, request, url }) => {
      find(params.namespaceId);
      checkKey(params.key);
      const options = expirationOptions({
        expiration: url.searchParams.get('expiration'),
        expiration_ttl: url.searchParams.get('expiration_ttl'),
      });
      let value: string | ArrayBuffer;
      const type = request.headers.get('content-type') ?? '';
      if (type.startsWith('multipart/form-data')) {
        let form: FormData;
        try {
          form = await request.formData();
        } catch {
          throw new CfApiError(400, 10026, 'Malformed multipart body.');
        }
        const part = form.get('value');
        if (part === null) throw new CfApiError(400, 10026, 'A `value` part is required.');
        value = typeof part === 'string' ? part : await part.arrayBuffer();
        const metadata = form.get('metadata');
        if (metadata !== null) {
          try {
            options.metadata = JSON.parse(typeof metadata === 'string' ? metadata : await metadata.text());
          } catch {
            throw new CfApiError(400, 10026, 'metadata must be JSON.');
          }
        }
      } else {
        value = await request.arrayBuffer();
      }
      if ((typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength) > MAX_VALUE_BYTES)
        throw new CfApiError(413, 10011, 'Value too large (max 25 MiB).');
      await (await runtime.kv(params.namespaceId)).put(params.key, value, options);
      return cfOk({});
    },
  );

  router.add(
    'DELETE',
    `${base}/:namespaceId/values/:key`,
    { account: true, permission: 'workers_kv:write' },
    async ({ params }) => {
      find(params.namespaceId);
      await (await runtime.kv(params.namespaceId)).delete(params.key);
      return cfOk({});
    },
  );

  router.add(
    'PUT',
    `${base}/:namespaceId/bulk`,
    { account: true, permission: 'workers_kv:write' },
    async ({ params, request }) => {
      find(params.namespaceId);
      const body = await readJson(request);
      if (!Array.isArray(body) || body.length > 10_000)
        throw new CfApiError(400, 10026, 'The body must be an array of at most 10,000 { key, value } objects.');
      for (const item of body) {
        if (!isPlainObject(item) || typeof item.key !== 'string' || typeof item.value !== 'string')
          throw new CfApiError(400, 10026, 'Every item needs string `key` and `value`.');
        checkKey(item.key);
      }
      const kv = await runtime.kv(params.namespaceId);
      for (const item of body) {
        const options = expirationOptions(item);
        if (item.metadata !== undefined) options.metadata = item.metadata;
        await kv.put(item.key, item.base64 ? Buffer.from(item.value, 'base64') : item.value, options);
      }
      return cfOk({ successful_key_count: body.length, unsuccessful_keys: [] });
    },
  );

  router.add(
    'POST',
    `${base}/:namespaceId/bulk/delete`,
    { account: true, permission: 'workers_kv:write' },
    async ({ params, request }) => {
      find(params.namespaceId);
      const body = await readJson(request);
      if (!Array.isArray(body) || body.some((k) => typeof k !== 'string'))
        throw new CfApiError(400, 10026, 'The body must be an array of key names.');
      const kv = await runtime.kv(params.namespaceId);
      await Promise.all(body.map((k) => kv.delete(k)));
      return cfOk({ successful_key_count: body.length, unsuccessful_keys: [] });
    },
  );

  router.add(
    'POST',
    `${base}/:namespaceId/bulk/get`,
    { account: true, permission: 'workers_kv:read' },
    async ({ params, request }) => {
      find(params.namespaceId);
      const body = await readJson(request);
      if (!isPlainObject(body) || !Array.isArray(body.keys) || body.keys.length > 100)
        throw new CfApiError(400, 10026, '`keys` must be an array of at most 100 names.');
      const kv = await runtime.kv(params.namespaceId);
      const values: Record<string, unknown> = {};
      for (const key of body.keys) {
        const { value, metadata } =
          body.type === 'json' ? await kv.getWithMetadata(key, 'json') : await kv.getWithMetadata(key, 'text');
        values[key] = body.withMetadata ? { value, metadata } : value;
      }
      return cfOk({ values });
    },
  );
}
