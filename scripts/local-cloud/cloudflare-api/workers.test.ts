// Workers through the official SDK: upload with D1+KV+R2+DO bindings, the Worker answers over HTTP, versions +
// deployments switch what serves while data survives, secrets, workers.dev, custom domains, crons, assets.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CfEnvelope, readJson, workerUrl } from '../test-fixtures/json.ts';
import { apiFailure, startTestCloud, type TestCloud } from '../test-fixtures/test-cloud.ts';

const source = readFileSync(new URL('../test-fixtures/bindings-worker.js', import.meta.url), 'utf8');
const moduleFile = (text: string, name = 'index.js') =>
  new File([text], name, { type: 'application/javascript+module' });

let cloud: TestCloud;
let account_id: string;
let ids: { db: string; kv: string };
beforeAll(async () => {
  cloud = await startTestCloud();
  account_id = cloud.accountId;
  const db = await cloud.cf.d1.database.create({ account_id, name: 'app-db' });
  await cloud.cf.d1.database.query(db.uuid!, {
    account_id,
    sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)',
  });
  const kv = await cloud.cf.kv.namespaces.create({ account_id, title: 'app-kv' });
  await cloud.cf.r2.buckets.create({ account_id, name: 'app-files' });
  ids = { db: db.uuid!, kv: kv.id };
});
afterAll(() => cloud?.dispose());

const bindings = (label: string) => [
  { type: 'd1', name: 'DB', id: ids.db },
  { type: 'kv_namespace', name: 'KV', namespace_id: ids.kv },
  { type: 'r2_bucket', name: 'FILES', bucket_name: 'app-files' },
  { type: 'durable_object_namespace', name: 'COUNTER', class_name: 'Counter' },
  { type: 'plain_text', name: 'LABEL', text: label },
  { type: 'version_metadata', name: 'CF_VERSION' },
];

/** What bindings-worker.js answers on /version. */
interface WorkerVersion {
  label: string;
  version: string | null;
  host: string;
}
const versionOf = async (url: string) => readJson<WorkerVersion>(await fetch(`${url}/version`));

describe('Workers', () => {
  it('uploads a Worker with D1+KV+R2+DO bindings; it answers over HTTP; a new deployment keeps the data', async () => {
    const uploaded = await cloud.cf.workers.scripts.update('castio-app', {
      account_id,
      metadata: {
        main_module: 'index.js',
        compatibility_date: '2025-09-01',
        bindings: bindings('v1') as any,
        migrations: { new_tag: 'v1', new_sqlite_classes: ['Counter'] } as any,
      },
      files: [moduleFile(source)] as any,
    } as any);
    expect(uploaded).toMatchObject({
      id: 'castio-app',
      handlers: expect.arrayContaining(['fetch', 'scheduled']),
      migration_tag: 'v1',
    });
    await cloud.cf.workers.scripts.subdomain.create('castio-app', {
      account_id,
      enabled: true,
      previews_enabled: false,
    });
    expect(await cloud.cf.workers.scripts.subdomain.get('castio-app', { account_id })).toMatchObject({ enabled: true });
    expect((await cloud.cf.workers.subdomains.get({ account_id })).subdomain).toBe('castio-local');
    const url = await workerUrl(cloud.url, 'castio-app');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/version`)).json()).toMatchObject({ label: 'v1', host: new URL(url).host });
    await fetch(`${url}/d1`, { method: 'POST', body: 'first' });
    await fetch(`${url}/kv`, { method: 'POST', body: 'kv-value' });
    await fetch(`${url}/r2`, { method: 'POST', body: 'r2-value' });
    expect(await (await fetch(`${url}/do`)).text()).toBe('1');
    // The D1 query API sees the Worker's writes (same SQLite).
    const rows = await cloud.cf.d1.database.query(ids.db, { account_id, sql: 'SELECT body FROM notes' });
    expect(rows.result[0]?.results).toEqual([{ body: 'first' }]);
    // … and the Worker sees the API's.
    await cloud.cf.d1.database.query(ids.db, { account_id, sql: "INSERT INTO notes (body) VALUES ('from-api')" });
    expect(await (await fetch(`${url}/d1`)).json()).toEqual([{ body: 'first' }, { body: 'from-api' }]);
    // The /__workers/{script} template redirects to the same URL.
    const viaTemplate = await fetch(`${cloud.workersDevUrlTemplate.replace('{script}', 'castio-app')}/version`);
    expect((await readJson<WorkerVersion>(viaTemplate)).label).toBe('v1');

    // Versions upload: nothing changes until a deployment.
    const v2 = await cloud.cf.workers.scripts.versions.create('castio-app', {
      account_id,
      metadata: {
        main_module: 'index.js',
        compatibility_date: '2025-09-01',
        bindings: bindings('v2') as any,
        annotations: { 'workers/message': 'second' },
      },
      files: [moduleFile(source)] as any,
    } as any);
    expect((await versionOf(url)).label).toBe('v1');
    const versions = [];
    for await (const v of cloud.cf.workers.scripts.versions.list('castio-app', { account_id })) versions.push(v.id);
    expect(versions).toHaveLength(2);
    expect(versions[0]).toBe(v2.id);
    await cloud.cf.workers.scripts.deployments.create('castio-app', {
      account_id,
      strategy: 'percentage',
      versions: [{ version_id: v2.id!, percentage: 100 }],
    });
    expect(await (await fetch(`${url}/version`)).json()).toMatchObject({ label: 'v2', version: v2.id });
    expect(await (await fetch(`${url}/d1`)).json()).toEqual([{ body: 'first' }, { body: 'from-api' }]);
    expect(await (await fetch(`${url}/kv`)).text()).toBe('kv-value');
    expect(await (await fetch(`${url}/r2`)).text()).toBe('r2-value');
    expect(await (await fetch(`${url}/do`)).text()).toBe('2');
    const deployments = await cloud.cf.workers.scripts.deployments.list('castio-app', { account_id });
    expect(deployments.deployments).toHaveLength(2);
    expect(deployments.deployments[0]?.versions).toEqual([{ version_id: v2.id, percentage: 100 }]);

    // A 50/50 split serves both versions.
    await cloud.cf.workers.scripts.deployments.create('castio-app', {
      account_id,
      strategy: 'percentage',
      versions: [
        { version_id: v2.id!, percentage: 50 },
        { version_id: versions[1]!, percentage: 50 },
      ],
    });
    const labels = new Set();
    for (let i = 0; i < 40; i++) labels.add((await versionOf(url)).label);
    expect(labels).toEqual(new Set(['v1', 'v2']));
    expect(await (await fetch(`${url}/do`)).text()).toBe('3');
    expect(
      await apiFailure(
        cloud.cf.workers.scripts.deployments.create('castio-app', {
          account_id,
          strategy: 'percentage',
          versions: [{ version_id: v2.id!, percentage: 60 }],
        }),
      ),
    ).toMatchObject({ status: 400 });
    await cloud.cf.workers.scripts.deployments.create('castio-app', {
      account_id,
      strategy: 'percentage',
      versions: [{ version_id: v2.id!, percentage: 100 }],
    });
  });

  it('secrets create a deployed version; the list shows names only', async () => {
    await cloud.cf.workers.scripts.secrets.update('castio-app', {
      account_id,
      name: 'API_KEY',
      text: 's3cret',
      type: 'secret_text',
    });
    const url = await workerUrl(cloud.url, 'castio-app');
    expect(await (await fetch(`${url}/secret`)).text()).toBe('s3cret');
    const secrets = [];
    for await (const s of cloud.cf.workers.scripts.secrets.list('castio-app', { account_id })) secrets.push(s);
    expect(secrets).toEqual([{ name: 'API_KEY', type: 'secret_text' }]);
    // keep_bindings carries the secret over a new upload.
    await cloud.cf.workers.scripts.update('castio-app', {
      account_id,
      metadata: {
        main_module: 'index.js',
        compatibility_date: '2025-09-01',
        bindings: bindings('v3') as any,
        keep_bindings: ['secret_text'],
      },
      files: [moduleFile(source)] as any,
    } as any);
    expect(await (await fetch(`${url}/secret`)).text()).toBe('s3cret');
    expect((await versionOf(url)).label).toBe('v3');
  });

  it('cron schedules are stored and fire through the control route', async () => {
    const result = await cloud.cf.workers.scripts.schedules.update('castio-app', {
      account_id,
      body: [{ cron: '*/5 * * * *' }],
    });
    expect(result.schedules?.map((s) => s.cron)).toEqual(['*/5 * * * *']);
    expect(
      await apiFailure(
        cloud.cf.workers.scripts.schedules.update('castio-app', { account_id, body: [{ cron: 'every minute' }] }),
      ),
    ).toMatchObject({ status: 400 });
    const fired = await fetch(`${cloud.url}/__local/workers/castio-app/scheduled`, { method: 'POST', body: '{}' });
    expect(await fired.json()).toMatchObject({ cron: '*/5 * * * *', outcome: 'ok' });
    expect(await (await fetch(`${await workerUrl(cloud.url, 'castio-app')}/cron`)).text()).toBe('*/5 * * * *');
  });

  it('custom domains map a hostname (by Host header) to the same Worker', async () => {
    const zones = await cloud.cf.zones.list({ name: 'castio.test' });
    const domain = await cloud.cf.workers.domains.update({
      account_id,
      hostname: 'meet.castio.test',
      service: 'castio-app',
      zone_id: zones.result[0]?.id,
      environment: 'production',
    });
    expect(domain).toMatchObject({ hostname: 'meet.castio.test', service: 'castio-app' });
    expect(
      await apiFailure(
        cloud.cf.workers.domains.update({
          account_id,
          hostname: 'meet.elsewhere.test',
          service: 'castio-app',
          environment: 'production',
        } as any),
      ),
    ).toMatchObject({ status: 400 });
    const http = await import('node:http');
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: new URL(cloud.url).port, path: '/version', headers: { host: 'meet.castio.test' } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ label: 'v3', host: 'meet.castio.test' });
    const listed = [];
    for await (const d of cloud.cf.workers.domains.list({ account_id, hostname: 'meet.castio.test' }))
      listed.push(d.id);
    expect(listed).toEqual([domain.id]);
    await cloud.cf.workers.domains.delete(domain.id!, { account_id });
  });

  it('static assets: upload session, upload, then a script serving them', async () => {
    const html = '<!doctype html><h1>Castio</h1>';
    const hash = createHash('sha256').update(html).digest('hex').slice(0, 32);
    const session = await cloud.cf.workers.scripts.assets.upload.create('castio-web', {
      account_id,
      manifest: { '/index.html': { hash, size: html.length } },
    });
    expect(session.buckets).toEqual([[hash]]);
    const done = await cloud.cf.workers.assets.upload.create(
      { account_id, base64: true, body: { [hash]: Buffer.from(html).toString('base64') } },
      { headers: { Authorization: `Bearer ${session.jwt}` } },
    );
    expect(done.jwt).toBeTruthy();
    await cloud.cf.workers.scripts.update('castio-web', {
      account_id,
      metadata: {
        main_module: 'index.js',
        compatibility_date: '2025-09-01',
        assets: {
          jwt: done.jwt!,
          config: { html_handling: 'auto-trailing-slash', not_found_handling: 'single-page-application' },
        },
        bindings: [{ type: 'assets', name: 'ASSETS' }] as any,
      },
      files: [
        moduleFile(
          "export default { fetch(req, env) { return new URL(req.url).pathname.startsWith('/api/') ? new Response('api') : env.ASSETS.fetch(req); } }",
        ),
      ] as any,
    } as any);
    await cloud.cf.workers.scripts.subdomain.create('castio-web', { account_id, enabled: true });
    const url = await workerUrl(cloud.url, 'castio-web');
    expect(await (await fetch(`${url}/`)).text()).toBe(html);
    expect(await (await fetch(`${url}/some/spa/route`)).text()).toBe(html);
    expect(await (await fetch(`${url}/api/x`)).text()).toBe('api');
    // A second session knows the file already.
    expect(
      (
        await cloud.cf.workers.scripts.assets.upload.create('castio-web', {
          account_id,
          manifest: { '/index.html': { hash, size: html.length } },
        })
      ).buckets,
    ).toEqual([]);
  });

  it('bad uploads get Cloudflare 4xx errors and change nothing', async () => {
    const upload = (metadata: any, files: File[] = [moduleFile(source)]) =>
      cloud.cf.workers.scripts.update('castio-app', { account_id, metadata, files } as any);
    expect(await apiFailure(upload({ main_module: 'missing.js', compatibility_date: '2025-09-01' }))).toMatchObject({
      status: 400,
      errors: [{ code: 10021 }],
    });
    expect(
      await apiFailure(
        upload({
          main_module: 'index.js',
          compatibility_date: '2025-09-01',
          bindings: [{ type: 'queue', name: 'Q', queue_name: 'x' }],
        }),
      ),
    ).toMatchObject({ errors: [{ code: 10021, message: expect.stringContaining('Unknown binding type') }] });
    expect(
      await apiFailure(
        upload({
          main_module: 'index.js',
          compatibility_date: '2025-09-01',
          bindings: [{ type: 'd1', name: 'DB', id: 'nope' }],
        }),
      ),
    ).toMatchObject({ errors: [{ code: 10021 }] });
    expect(
      await apiFailure(
        upload({ main_module: 'index.js', compatibility_date: '2025-09-01' }, [
          moduleFile('export default { fetch( { syntax error'),
        ]),
      ),
    ).toMatchObject({ status: 400, errors: [{ code: 10021 }] });
    expect(
      await apiFailure(
        cloud.cf.workers.scripts.update('Bad Name!', {
          account_id,
          metadata: { main_module: 'index.js' },
          files: [moduleFile(source)],
        } as any),
      ),
    ).toMatchObject({ status: 400 });
    const raw = await fetch(`${cloud.apiBase}/accounts/${account_id}/workers/scripts/castio-app`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${cloud.token}`, 'content-type': 'multipart/form-data; boundary=x' },
      body: 'garbage',
    });
    expect(raw.status).toBe(400);
    const noMeta = new FormData();
    noMeta.append('index.js', moduleFile(source));
    const missing = await fetch(`${cloud.apiBase}/accounts/${account_id}/workers/scripts/castio-app`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${cloud.token}` },
      body: noMeta,
    });
    expect((await readJson<CfEnvelope>(missing)).errors[0]?.code).toBe(10021);
    // Still serving v3 after all that.
    expect((await versionOf(await workerUrl(cloud.url, 'castio-app'))).label).toBe('v3');
  });

  it('list and delete; a deleted Worker stops answering', async () => {
    const names = [];
    for await (const s of cloud.cf.workers.scripts.list({ account_id })) names.push(s.id);
    expect(names.sort()).toEqual(['castio-app', 'castio-web']);
    const url = await workerUrl(cloud.url, 'castio-web');
    await cloud.cf.workers.scripts.delete('castio-web', { account_id, force: true });
    expect(await apiFailure(cloud.cf.workers.scripts.subdomain.get('castio-web', { account_id }))).toMatchObject({
      status: 404,
      errors: [{ code: 10007 }],
    });
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });
});
