// Fault injection: deterministic per seed, per route; latency; timeouts; webhook network faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultPlan } from './fault-plan.ts';
import { readJson } from '../test-fixtures/json.ts';
import { apiFailure, sdk, startTestCloud, type TestCloud } from '../test-fixtures/test-cloud.ts';

describe('FaultPlan', () => {
  it('replays the same decisions for the same seed and differs for another', () => {
    const run = (seed: number) => {
      const plan = new FaultPlan({ seed, rules: [{ path: '/client/v4/accounts/*/d1/database', errorRate: 0.5 }] });
      return Array.from({ length: 40 }, () =>
        Boolean(plan.decide('api', 'GET', '/client/v4/accounts/abc/d1/database').fail),
      );
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(run(7).filter(Boolean).length).toBeGreaterThan(5);
  });

  it('failNth, method match, times and latency distributions', () => {
    const plan = new FaultPlan({
      rules: [
        { method: 'POST', path: '/x/**', failNth: [2, 4], status: 503 },
        { path: '/slow', latencyMs: { min: 10, max: 20 } },
        { path: '/once', errorRate: 1, times: 1 },
      ],
    });
    expect(plan.decide('api', 'GET', '/x/a').fail).toBeNull();
    const posts = [1, 2, 3, 4].map(() => plan.decide('api', 'POST', '/x/a/b').fail?.status ?? null);
    expect(posts).toEqual([null, 503, null, 503]);
    const delay = plan.decide('api', 'GET', '/slow').delayMs;
    expect(delay).toBeGreaterThanOrEqual(10);
    expect(delay).toBeLessThan(20);
    expect([plan.decide('api', 'GET', '/once').fail, plan.decide('api', 'GET', '/once').fail]).toEqual([
      { status: 500, code: undefined, message: undefined },
      null,
    ]);
    expect(() => new FaultPlan({ rules: [{ path: '/x', errorRate: 2 }] })).toThrow();
  });

  it('named sets live beside the main plan: replacing one touches neither the plan nor the other sets', () => {
    const plan = new FaultPlan({ rules: [{ path: '/main', errorRate: 1 }] });
    plan.configureSet('a', { rules: [{ path: '/a', errorRate: 1 }] });
    plan.configureSet('b', { rules: [{ target: 'mail', path: '*@b.example', errorRate: 1 }] });
    const fails = (target: 'api' | 'mail', path: string) => Boolean(plan.decide(target, 'POST', path).fail);
    expect([fails('api', '/main'), fails('api', '/a'), fails('mail', 'x@b.example'), fails('api', '/b')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    plan.configure({ rules: [] });
    plan.configureSet('a', { rules: [] });
    expect([fails('api', '/main'), fails('api', '/a'), fails('mail', 'x@b.example')]).toEqual([false, false, true]);
    expect(Object.keys(plan.describe().sets)).toEqual(['b']);
  });
});

describe('faults in the running local cloud', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({
      faults: {
        seed: 3,
        rules: [{ method: 'POST', path: '/client/v4/accounts/*/d1/database', failNth: [2], status: 503 }],
      },
    });
  });
  afterAll(() => cloud?.dispose());

  it('makes the chosen call fail, Cloudflare-style, and only that one', async () => {
    const account_id = cloud.accountId;
    await cloud.cf.d1.database.create({ account_id, name: 'one' });
    const failure = await apiFailure(cloud.cf.d1.database.create({ account_id, name: 'two' }));
    expect(failure.status).toBe(503);
    expect(failure.errors[0]?.code).toBeGreaterThan(0);
    // The failed call left nothing behind; the third call succeeds.
    expect((await cloud.cf.d1.database.list({ account_id })).result.map((d) => d.name)).toEqual(['one']);
    await cloud.cf.d1.database.create({ account_id, name: 'two' });
  });

  it('control route replaces the plan; timeouts hang until the client gives up; RTK routes fail RTK-style', async () => {
    const put = await fetch(`${cloud.url}/__local/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        seed: 1,
        rules: [
          { path: '/client/v4/accounts/*/storage/kv/namespaces', timeoutRate: 1 },
          { path: '/client/v4/accounts/*/realtime/kit/*/meetings', errorRate: 1, status: 502 },
        ],
      }),
    });
    expect(put.status).toBe(200);
    await expect(
      sdk(cloud.apiBase, cloud.token).kv.namespaces.list({ account_id: cloud.accountId }, { timeout: 300 }),
    ).rejects.toThrow(/timed out/i);
    const rtk = await fetch(`${cloud.apiBase}/accounts/${cloud.accountId}/realtime/kit/${cloud.rtk.appId}/meetings`, {
      headers: { authorization: `Bearer ${cloud.token}` },
    });
    expect(rtk.status).toBe(502);
    expect(await rtk.json()).toMatchObject({ success: false, error: { code: 502 } });
    const described = await readJson<ReturnType<FaultPlan['describe']>>(await fetch(`${cloud.url}/__local/faults`));
    expect(described.rules[1]).toMatchObject({ calls: 1, applied: 1 });
    expect(
      (
        await fetch(`${cloud.url}/__local/faults`, {
          method: 'PUT',
          body: JSON.stringify({ rules: [{ path: '/x', errorRate: 9 }] }),
        })
      ).status,
    ).toBe(400);
    await fetch(`${cloud.url}/__local/faults`, { method: 'DELETE' });
    expect((await cloud.cf.kv.namespaces.list({ account_id: cloud.accountId })).result).toBeDefined();
  });

  it('named sets through the control API; downloads and the mail sink fail by rule too', async () => {
    const putSet = (name: string, rules: unknown[]) =>
      fetch(`${cloud.url}/__local/faults/sets/${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules }),
      });
    expect(
      (await putSet('mail-test', [{ target: 'mail', path: 'down@example.com', status: 503, failNth: [1] }])).status,
    ).toBe(200);
    expect(
      (await putSet('download-test', [{ target: 'download', path: '/__downloads/*/summary-*', errorRate: 1 }])).status,
    ).toBe(200);
    expect((await putSet('bad', [{ target: 'nowhere', path: '/x' }])).status).toBe(400);
    // Replacing or clearing the main plan leaves the sets alone.
    await fetch(`${cloud.url}/__local/faults`, { method: 'DELETE' });
    const sendMail = (to: string) =>
      fetch(`${cloud.url}/__local/mail`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to, subject: 'Hi', text: 'Hello' }),
      });
    expect([(await sendMail('down@example.com')).status, (await sendMail('down@example.com')).status]).toEqual([
      503, 202,
    ]);
    expect((await sendMail('up@example.com')).status).toBe(202);
    const inbox = await readJson<{ messages: unknown[] }>(await fetch(`${cloud.url}/__local/mail?to=down@example.com`));
    expect(inbox.messages).toHaveLength(1);

    const rtkBase = `${cloud.rtk.apiBase}/accounts/${cloud.accountId}/realtime/kit/${cloud.rtk.appId}`;
    const rtkCall = async <T>(method: string, path: string, body?: unknown) =>
      readJson<{ data: T }>(
        await fetch(`${rtkBase}${path}`, {
          method,
          headers: { authorization: `Bearer ${cloud.token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    const meeting = (await rtkCall<{ id: string }>('POST', '/meetings', { title: 'Faulty storage' })).data;
    const played = await readJson<{ sessionId: string }>(
      await fetch(`${cloud.url}/__local/rtk/sessions/play`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ meetingId: meeting.id, participants: 2, waitMs: 0 }),
      }),
    );
    const links = await Promise.all(
      ['summary', 'transcript'].map(async (kind) => {
        const data = (await rtkCall<Record<string, string>>('GET', `/sessions/${played.sessionId}/${kind}`)).data;
        return data.summaryDownloadUrl ?? data.transcript_download_url!;
      }),
    );
    expect(await Promise.all(links.map(async (url) => (await fetch(url)).status))).toEqual([500, 200]);
    await fetch(`${cloud.url}/__local/faults/sets/download-test`, { method: 'DELETE' });
    expect((await fetch(links[0]!)).status).toBe(200);
    const described = await readJson<ReturnType<FaultPlan['describe']>>(await fetch(`${cloud.url}/__local/faults`));
    expect(Object.keys(described.sets)).toEqual(['mail-test']);
  });
});
