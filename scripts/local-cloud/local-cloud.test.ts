// The local cloud as a program: credentials file, state across restarts (tokens, D1 data, Worker URL), --reset.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from './index.ts';
import { workerUrl } from './test-fixtures/json.ts';
import { sdk } from './test-fixtures/test-cloud.ts';

const dir = mkdtempSync(join(tmpdir(), 'local-cloud-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startLocalCloud', () => {
  it('writes credentials, keeps state and Worker URLs across restarts, and --reset wipes it', async () => {
    const stateDir = join(dir, 'state');
    const credentialsFile = join(dir, 'credentials.json');
    const first = await startLocalCloud({ port: 0, stateDir, credentialsFile });
    const creds = JSON.parse(readFileSync(credentialsFile, 'utf8'));
    expect(creds).toMatchObject({
      apiBase: first.apiBase,
      accountId: first.accountId,
      token: first.token,
      rtkAppId: first.rtk.appId,
      webhookKeysUrl: `${first.url}/.well-known/webhooks.json`,
    });
    const cf = sdk(first.apiBase, first.token);
    const db = await cf.d1.database.create({ account_id: first.accountId, name: 'kept' });
    await cf.d1.database.query(db.uuid!, {
      account_id: first.accountId,
      sql: "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('survives')",
    });
    await cf.workers.scripts.update('hello', {
      account_id: first.accountId,
      metadata: {
        main_module: 'index.js',
        compatibility_date: '2025-09-01',
        bindings: [{ type: 'd1', name: 'DB', id: db.uuid }] as any,
      },
      files: [
        new File(
          [
            "export default { async fetch(r, env) { return new Response((await env.DB.prepare('SELECT v FROM t').first()).v); } }",
          ],
          'index.js',
          { type: 'application/javascript+module' },
        ),
      ] as any,
    } as any);
    await cf.workers.scripts.subdomain.create('hello', { account_id: first.accountId, enabled: true });
    const url = await workerUrl(first.url, 'hello');
    expect(await (await fetch(url)).text()).toBe('survives');
    await first.stop();

    const second = await startLocalCloud({ port: 0, stateDir, credentialsFile: false });
    expect([second.accountId, second.token]).toEqual([first.accountId, first.token]);
    const url2 = await workerUrl(second.url, 'hello');
    expect(url2).toBe(url);
    expect(await (await fetch(url2)).text()).toBe('survives');
    await second.stop();

    const third = await startLocalCloud({ port: 0, stateDir, reset: true, credentialsFile: false });
    expect(third.accountId).not.toBe(first.accountId);
    expect((await sdk(third.apiBase, third.token).d1.database.list({ account_id: third.accountId })).result).toEqual(
      [],
    );
    await third.stop();
    expect(existsSync(stateDir)).toBe(true);
  });
});
