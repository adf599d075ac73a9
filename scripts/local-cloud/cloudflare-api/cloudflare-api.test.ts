// The official `cloudflare` SDK (6.5) drives tokens, accounts, zones, D1 (incl. time travel), KV and R2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CfEnvelope, readJson } from '../test-fixtures/json.ts';
import { apiFailure, mintToken, sdk, startTestCloud, type TestCloud } from '../test-fixtures/test-cloud.ts';

let cloud: TestCloud;
let account_id: string;
beforeAll(async () => {
  cloud = await startTestCloud();
  account_id = cloud.accountId;
});
afterAll(() => cloud?.dispose());

describe('tokens and permissions', () => {
  it('verifies the full-permission user token', async () => {
    const result = await cloud.cf.user.tokens.verify();
    expect(result.status).toBe('active');
    const raw = await (
      await fetch(`${cloud.apiBase}/user/tokens/verify`, { headers: { authorization: `Bearer ${cloud.token}` } })
    ).json();
    expect(raw).toMatchObject({
      success: true,
      errors: [],
      messages: [{ code: 10000, message: 'This API Token is valid and active' }],
    });
  });

  it('account-owned tokens verify on the account route but get 401/1000 on the user route', async () => {
    const minted = await mintToken(cloud, { permissions: ['D1 Read'], kind: 'account' });
    const cf = sdk(cloud.apiBase, minted.value);
    expect((await cf.accounts.tokens.verify({ account_id })).id).toBe(minted.id);
    const failure = await apiFailure(cf.user.tokens.verify());
    expect(failure).toMatchObject({ status: 401, errors: [{ code: 1000, message: 'Invalid API Token' }] });
    expect(await apiFailure(cf.accounts.list().then((p) => p.result))).toMatchObject({
      status: 400,
      errors: [{ code: 1001 }],
    });
  });

  it('rejects missing, malformed, unknown, disabled and expired credentials like Cloudflare', async () => {
    const none = await fetch(`${cloud.apiBase}/accounts/${account_id}/d1/database`);
    expect(none.status).toBe(400);
    expect((await readJson<CfEnvelope>(none)).errors[0]).toMatchObject({ code: 6003, error_chain: [{ code: 6103 }] });
    const malformed = await fetch(`${cloud.apiBase}/accounts/${account_id}/d1/database`, {
      headers: { authorization: 'Bearer not a token' },
    });
    expect((await readJson<CfEnvelope>(malformed)).errors[0]).toMatchObject({
      code: 6003,
      error_chain: [{ code: 6111 }],
    });
    const unknown = await apiFailure(sdk(cloud.apiBase, 'x'.repeat(40)).d1.database.list({ account_id }));
    expect(unknown).toMatchObject({ status: 403, errors: [{ code: 10000, message: 'Authentication error' }] });
    const disabled = await mintToken(cloud, { permissions: ['D1 Write'], status: 'disabled' });
    expect((await apiFailure(sdk(cloud.apiBase, disabled.value).user.tokens.verify())).status).toBe(401);
    const expired = await mintToken(cloud, { permissions: ['D1 Write'], expires_on: '2020-01-01T00:00:00Z' });
    expect((await apiFailure(sdk(cloud.apiBase, expired.value).d1.database.list({ account_id }))).errors[0]?.code).toBe(
      10000,
    );
  });

  it('a call without its permission fails with 403/10000; read does not imply write', async () => {
    const reader = sdk(
      cloud.apiBase,
      (await mintToken(cloud, { permissions: ['D1 Read', 'Workers KV Storage Write'] })).value,
    );
    expect(Array.isArray((await reader.d1.database.list({ account_id })).result)).toBe(true);
    expect(await apiFailure(reader.d1.database.create({ account_id, name: 'nope' }))).toMatchObject({
      status: 403,
      errors: [{ code: 10000 }],
    });
    expect((await apiFailure(reader.r2.buckets.list({ account_id }))).status).toBe(403);
    expect((await apiFailure(reader.zones.list().then((p) => p.result))).status).toBe(403);
    expect((await reader.kv.namespaces.list({ account_id })).result).toBeDefined();
  });

  it('another or malformed account id is refused', async () => {
    expect((await apiFailure(cloud.cf.d1.database.list({ account_id: 'f'.repeat(32) }))).errors[0]?.code).toBe(10000);
    expect((await apiFailure(cloud.cf.d1.database.list({ account_id: 'bad' }))).errors[0]?.code).toBe(7003);
  });

  it('unknown routes answer 7003/7000 with the envelope', async () => {
    const res = await fetch(`${cloud.apiBase}/accounts/${account_id}/nothing-here`, {
      headers: { authorization: `Bearer ${cloud.token}` },
    });
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ success: false, result: null, errors: [{ code: 7003 }, { code: 7000 }] });
  });
});

describe('accounts and zones', () => {
  it('lists and reads the account, lists zones by name', async () => {
    const accounts = [];
    for await (const a of cloud.cf.accounts.list()) accounts.push(a);
    expect(accounts.map((a) => a.id)).toEqual([account_id]);
    expect((await cloud.cf.accounts.get({ account_id })).id).toBe(account_id);
    const zones = await cloud.cf.zones.list({ account: { id: account_id }, name: 'castio.test' });
    expect(zones.result.map((z) => z.name)).toEqual(['castio.test']);
    expect((await cloud.cf.zones.list({ name: 'other.test' })).result).toEqual([]);
  });
});

describe('D1', () => {
  it('create, list, get, query (multi-statement, params), raw, errors, delete', async () => {
    const db = await cloud.cf.d1.database.create({ account_id, name: 'castio-platform' });
    expect(db.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await apiFailure(cloud.cf.d1.database.create({ account_id, name: 'castio-platform' }))).toMatchObject({
      status: 400,
      errors: [{ code: 7502 }],
    });
    expect(
      (await cloud.cf.d1.database.list({ account_id, name: 'castio-platform' })).result.map((d) => d.uuid),
    ).toEqual([db.uuid]);

    const created = await cloud.cf.d1.database.query(db.uuid!, {
      account_id,
      sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); -- a comment; with a semicolon\nINSERT INTO notes (body) VALUES ('a;b'); CREATE TRIGGER t AFTER INSERT ON notes BEGIN UPDATE notes SET body = body || '!' WHERE id = NEW.id; END;",
    });
    expect(created.result).toHaveLength(3);
    const rows = await cloud.cf.d1.database.query(db.uuid!, {
      account_id,
      sql: 'SELECT body FROM notes WHERE id = ?',
      params: ['1'],
    });
    expect(rows.result[0]?.results).toEqual([{ body: 'a;b' }]);
    const raw = await cloud.cf.d1.database.raw(db.uuid!, { account_id, sql: 'SELECT id, body FROM notes' });
    expect(raw.result[0]?.results).toEqual({ columns: ['id', 'body'], rows: [[1, 'a;b']] });
    // The trigger (its body holds ';') was created whole: it fires on the next insert.
    await cloud.cf.d1.database.query(db.uuid!, {
      account_id,
      sql: "INSERT INTO notes (body) VALUES ('c'); DELETE FROM notes WHERE body = 'c!'",
    });
    expect((await cloud.cf.d1.database.get(db.uuid!, { account_id })).num_tables).toBe(1);

    expect(
      await apiFailure(cloud.cf.d1.database.query(db.uuid!, { account_id, sql: 'SELECT * FROM missing' })),
    ).toMatchObject({ status: 400, errors: [{ code: 7500, message: expect.stringContaining('no such table') }] });
    // A failing statement rolls the whole call back.
    await apiFailure(
      cloud.cf.d1.database.query(db.uuid!, {
        account_id,
        sql: "INSERT INTO notes (body) VALUES ('x'); INSERT INTO nowhere VALUES (1)",
      }),
    );
    expect(
      (await cloud.cf.d1.database.query(db.uuid!, { account_id, sql: 'SELECT count(*) AS n FROM notes' })).result[0]
        ?.results,
    ).toEqual([{ n: 1 }]);
    expect((await apiFailure(cloud.cf.d1.database.query(db.uuid!, { account_id, sql: '' }))).status).toBe(400);
    const malformed = await fetch(`${cloud.apiBase}/accounts/${account_id}/d1/database/${db.uuid}/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cloud.token}`, 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(malformed.status).toBe(400);
    expect((await readJson<CfEnvelope>(malformed)).success).toBe(false);

    await cloud.cf.d1.database.delete(db.uuid!, { account_id });
    expect(await apiFailure(cloud.cf.d1.database.get(db.uuid!, { account_id }))).toMatchObject({
      status: 404,
      errors: [{ code: 7404 }],
    });
  });

  it('time travel: a bookmark restore rolls data back, previous_bookmark undoes it', async () => {
    const db = await cloud.cf.d1.database.create({ account_id, name: 'time-travel' });
    const q = (sql: string) => cloud.cf.d1.database.query(db.uuid!, { account_id, sql });
    await q(
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT, b BLOB); INSERT INTO t (v, b) VALUES ('before', x'00ff')",
    );
    const { bookmark } = await cloud.cf.d1.database.timeTravel.getBookmark(db.uuid!, { account_id });
    expect((await cloud.cf.d1.database.timeTravel.getBookmark(db.uuid!, { account_id })).bookmark).toBe(bookmark);
    await q("INSERT INTO t (v) VALUES ('after'); CREATE TABLE extra (x)");
    const restored = await cloud.cf.d1.database.timeTravel.restore(db.uuid!, { account_id, bookmark: bookmark! });
    expect(restored.bookmark).toBe(bookmark);
    const rows = await q('SELECT v, hex(b) AS b FROM t');
    expect(rows.result[0]?.results).toEqual([{ v: 'before', b: '00FF' }]);
    expect((await q("SELECT name FROM sqlite_master WHERE name = 'extra'")).result[0]?.results).toEqual([]);
    await cloud.cf.d1.database.timeTravel.restore(db.uuid!, { account_id, bookmark: restored.previous_bookmark! });
    expect((await q('SELECT v FROM t ORDER BY id')).result[0]?.results).toEqual([{ v: 'before' }, { v: 'after' }]);
    expect(
      (await apiFailure(cloud.cf.d1.database.timeTravel.restore(db.uuid!, { account_id, bookmark: '00000009-bad' })))
        .status,
    ).toBe(400);
    const byTime = await cloud.cf.d1.database.timeTravel.getBookmark(db.uuid!, {
      account_id,
      timestamp: new Date().toISOString(),
    });
    expect(byTime.bookmark).toBeTruthy();
  });
});

describe('KV', () => {
  it('namespaces and values', async () => {
    const ns = await cloud.cf.kv.namespaces.create({ account_id, title: 'castio-sessions' });
    expect(await apiFailure(cloud.cf.kv.namespaces.create({ account_id, title: 'castio-sessions' }))).toMatchObject({
      status: 400,
      errors: [{ code: 10014 }],
    });
    const titles = [];
    for await (const n of cloud.cf.kv.namespaces.list({ account_id })) titles.push(n.title);
    expect(titles).toContain('castio-sessions');
    await cloud.cf.kv.namespaces.values.update(ns.id, 'greeting', {
      account_id,
      value: 'hello',
      metadata: JSON.stringify({ lang: 'en' }),
    });
    expect(await (await cloud.cf.kv.namespaces.values.get(ns.id, 'greeting', { account_id })).text()).toBe('hello');
    expect(await cloud.cf.kv.namespaces.metadata.get(ns.id, 'greeting', { account_id })).toEqual({ lang: 'en' });
    await cloud.cf.kv.namespaces.bulkUpdate(ns.id, {
      account_id,
      body: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    });
    const keys = [];
    for await (const k of cloud.cf.kv.namespaces.keys.list(ns.id, { account_id })) keys.push(k.name);
    expect(keys.sort()).toEqual(['a', 'b', 'greeting']);
    await cloud.cf.kv.namespaces.values.delete(ns.id, 'a', { account_id });
    expect((await apiFailure(cloud.cf.kv.namespaces.values.get(ns.id, 'a', { account_id }))).status).toBe(404);
    await cloud.cf.kv.namespaces.delete(ns.id, { account_id });
    expect(await apiFailure(cloud.cf.kv.namespaces.get(ns.id, { account_id }))).toMatchObject({
      status: 404,
      errors: [{ code: 10013 }],
    });
  });
});

describe('R2', () => {
  it('buckets and objects', async () => {
    const bucket = await cloud.cf.r2.buckets.create({ account_id, name: 'castio-branding' });
    expect(bucket.name).toBe('castio-branding');
    expect(await apiFailure(cloud.cf.r2.buckets.create({ account_id, name: 'castio-branding' }))).toMatchObject({
      status: 409,
    });
    expect(await apiFailure(cloud.cf.r2.buckets.create({ account_id, name: 'Bad_Name' }))).toMatchObject({
      status: 400,
      errors: [{ code: 10005 }],
    });
    expect((await cloud.cf.r2.buckets.list({ account_id })).buckets?.map((b) => b.name)).toContain('castio-branding');
    const put = await fetch(
      `${cloud.apiBase}/accounts/${account_id}/r2/buckets/castio-branding/objects/logos/logo.svg`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${cloud.token}`, 'content-type': 'image/svg+xml' },
        body: '<svg/>',
      },
    );
    expect(put.status).toBe(200);
    expect(await apiFailure(cloud.cf.r2.buckets.delete('castio-branding', { account_id }))).toMatchObject({
      status: 409,
    });
    const got = await fetch(
      `${cloud.apiBase}/accounts/${account_id}/r2/buckets/castio-branding/objects/logos/logo.svg`,
      { headers: { authorization: `Bearer ${cloud.token}` } },
    );
    expect(got.headers.get('content-type')).toBe('image/svg+xml');
    expect(await got.text()).toBe('<svg/>');
    await fetch(`${cloud.apiBase}/accounts/${account_id}/r2/buckets/castio-branding/objects/logos/logo.svg`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${cloud.token}` },
    });
    await cloud.cf.r2.buckets.delete('castio-branding', { account_id });
    expect(await apiFailure(cloud.cf.r2.buckets.get('castio-branding', { account_id }))).toMatchObject({
      status: 404,
      errors: [{ code: 10006 }],
    });
  });
});
