import { createExecutionContext, createScheduledController, env } from 'cloudflare:test';
import worker from '../index';
import type { Env } from '../env';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex } from '@castio/shared/encoding';
import { addMember, call, createOrg, expectError, json, jsonOf, multiOrgEnv, type Session } from '../../test/helpers';
import { downloadPath, type LocalRtk, localRtk, personOf } from '../webhooks/local-rtk.testkit';
import { channelRequests } from '../webhooks/rtk-deliveries.testkit';
import { EVERY_FIVE_MINUTES, NIGHTLY, runScheduled } from '../cron';
import { cleanupDiagnostics } from './retention';

let rtk: LocalRtk;
let owner: Session;
let admin: Session;
let other: Session;
const CANARY_NAME = 'Zelda Canary-Q9';
const CANARY_TITLE = 'Secret Merger Talk K7';
/** The vendor's telemetry endpoint: a channel of the capture server. */
const TELEMETRY = 'diagnostics-phone-home';
/** What the vendor received, oldest first. */
const telemetry = async () =>
  (await channelRequests(TELEMETRY)).map((post) => ({
    path: post.path,
    body: JSON.parse(post.body) as Record<string, unknown>,
  }));

beforeAll(async () => {
  rtk = await localRtk('diagnostics', { PHONE_HOME_URL: `${inject('captureServerUrl')}/channels/${TELEMETRY}` });
  owner = await createOrg('diag');
  admin = await addMember(owner, 'admin');
  other = await createOrg('diagother');
  await call('PATCH', `/api/users/${admin.user.id}`, { token: admin.token, body: { name: CANARY_NAME } });
});

describe('health', () => {
  it('probes D1, KV, R2 and the RTK API, stores the snapshot and shows the history', async () => {
    const first = await jsonOf<'GET /api/diagnostics/health'>(
      await call('GET', '/api/diagnostics/health', { token: admin.token, env: rtk.env }),
    );
    expect(first.status).toBe('healthy');
    for (const probe of ['d1', 'kv', 'r2', 'rtk'] as const) expect(first.checks[probe]).toMatchObject({ ok: true });
    expect(first.checks.rtk.latencyMs).toEqual(expect.any(Number));
    const stored = await env.DB.prepare('SELECT status, check_type FROM diagnostic_health_snapshots WHERE id = ?')
      .bind(first.id)
      .first();
    expect(stored).toEqual({ status: 'healthy', check_type: 'manual' });
    await rtk.setFaults([{ method: 'GET', path: rtk.api('/meetings'), status: 503, errorRate: 1 }]);
    const failing = await jsonOf<'GET /api/diagnostics/health'>(
      await call('GET', '/api/diagnostics/health', { token: owner.token, env: rtk.env }),
    );
    await rtk.clearFaults();
    expect(failing.status).toBe('unhealthy');
    expect(failing.checks.rtk).toMatchObject({ ok: false });
    expect(failing.history.map((row) => row.id)).toEqual(expect.arrayContaining([first.id, failing.id]));
    // Without RTK credentials the probe is skipped and the deployment is at best degraded.
    const unconfigured = { ...multiOrgEnv, RTK_API_TOKEN: undefined };
    const bare = await jsonOf<'GET /api/diagnostics/health'>(
      await call('GET', '/api/diagnostics/health', { token: owner.token, env: unconfigured }),
    );
    expect(bare.status).toBe('degraded');
    expect(bare.checks.rtk).toMatchObject({ skipped: true, error: 'not_configured' });
  });
});

describe('webhook deliveries and active meetings', () => {
  it('lists deliveries with filters and 24-hour figures; another org’s delivery is 404', async () => {
    const meeting = await rtk.meeting(owner);
    const { truth, deliveries } = await rtk.play(meeting, { participants: 1, minutes: 5 });
    const [started, summary] = ['meeting.started', 'meeting.summary'].map(
      (event) => deliveries.find((delivery) => delivery.event === event)!,
    );
    // RTK's storage fails when the summary is fetched, and nothing else of the session has arrived yet.
    await rtk.setFaults([{ target: 'download', path: downloadPath('summary', truth.sessionId), errorRate: 1 }]);
    for (const delivery of [started!, summary!]) expect((await rtk.deliver(delivery)).status).toBe(200);
    await rtk.clearFaults();
    const list = await jsonOf<'GET /api/diagnostics/webhooks'>(
      await call('GET', '/api/diagnostics/webhooks?limit=1', { token: admin.token }),
    );
    expect(list.items).toHaveLength(1);
    expect(list.nextCursor).toEqual(expect.any(String));
    expect(list.last24h).toMatchObject({ total: 2, failed: 1 });
    expect(list.last24h.failureRate).toBe(0.5);
    const failed = await jsonOf<'GET /api/diagnostics/webhooks'>(
      await call('GET', '/api/diagnostics/webhooks?status=failed', { token: admin.token }),
    );
    expect(failed.items.map((item) => item.eventType)).toEqual(['meeting.summary']);
    const detail = await jsonOf<'GET /api/diagnostics/webhooks/{deliveryId}'>(
      await call('GET', `/api/diagnostics/webhooks/${failed.items[0]!.id}`, { token: admin.token }),
    );
    expect(detail).toMatchObject({
      status: 'failed',
      attempt: 1,
      payloadSummary: expect.stringContaining('meeting.summary'),
    });
    expect(detail.nextAttemptAt).toEqual(expect.any(String));
    await expectError(
      await call('GET', `/api/diagnostics/webhooks/${failed.items[0]!.id}`, { token: other.token }),
      404,
    );
    const theirs = await jsonOf<'GET /api/diagnostics/webhooks'>(
      await call('GET', '/api/diagnostics/webhooks', { token: other.token }),
    );
    expect(theirs.items).toEqual([]);
    const active = await jsonOf<'GET /api/diagnostics/active-meetings'>(
      await call('GET', '/api/diagnostics/active-meetings', { token: admin.token }),
    );
    expect(active.items.map((item) => item.meetingId)).toContain(meeting.id);
    expect(
      (
        await jsonOf<'GET /api/diagnostics/active-meetings'>(
          await call('GET', '/api/diagnostics/active-meetings', { token: other.token }),
        )
      ).items,
    ).toEqual([]);
  });
});

describe('settings', () => {
  it('lets the owner toggle vendor Sentry and phone-home and set a customer DSN; refuses bad DSNs', async () => {
    expect(await json(await call('GET', '/api/diagnostics/settings', { token: admin.token }))).toEqual({
      sentryVendorEnabled: true,
      sentryCustomerDsn: null,
      phoneHomeEnabled: true,
    });
    const dsn = 'https://abc123@o1.ingest.sentry.io/42';
    const patched = await jsonOf<'PATCH /api/diagnostics/settings'>(
      await call('PATCH', '/api/diagnostics/settings', {
        token: owner.token,
        body: { sentryVendorEnabled: false, sentryCustomerDsn: dsn },
      }),
    );
    expect(patched).toEqual({ sentryVendorEnabled: false, sentryCustomerDsn: dsn, phoneHomeEnabled: true });
    for (const bad of ['http://abc@o1.ingest.sentry.io/42', 'javascript:alert(1)', 'https://o1.ingest.sentry.io/42']) {
      await expectError(
        await call('PATCH', '/api/diagnostics/settings', { token: owner.token, body: { sentryCustomerDsn: bad } }),
        400,
      );
    }
    await expectError(
      await call('PATCH', '/api/diagnostics/settings', { token: admin.token, body: { phoneHomeEnabled: false } }),
      403,
    );
    await call('PATCH', '/api/diagnostics/settings', {
      token: owner.token,
      body: { sentryVendorEnabled: true, sentryCustomerDsn: null },
    });
  });
});

describe('phone-home', () => {
  it('sends only aggregates with a hashed org id: no names, emails, titles, ids or IPs leave', async () => {
    const meeting = await rtk.meeting(owner, { title: CANARY_TITLE });
    // A live session: the owner and the admin (named Zelda Canary-Q9) are in the meeting.
    const joined = [];
    for (const person of [owner, admin]) joined.push(await rtk.join(await rtk.participant(meeting, personOf(person))));
    for (const { deliveries } of joined) for (const delivery of deliveries) await rtk.deliver(delivery);
    const before = (await telemetry()).length;
    const response = await call('POST', '/api/diagnostics/phone-home', {
      token: owner.token,
      body: {},
      env: rtk.env,
      ip: '203.0.113.77',
    });
    expect(response.status).toBe(200);
    const result = await jsonOf<'POST /api/diagnostics/phone-home'>(response);
    const posts = (await telemetry()).slice(before);
    expect(posts.map((post) => post.path)).toEqual([`/channels/${TELEMETRY}/api/telemetry/health`]);
    const { body } = posts[0]!;
    expect(body).toEqual(result.sent);
    expect(Object.keys(body).sort()).toEqual(
      [
        'activeMeetings',
        'activeParticipants',
        'd1Latency',
        'kvLatency',
        'orgId',
        'r2Latency',
        'rtkApiLatency',
        'sdkVersion',
        'status',
        'timestamp',
        'workerVersion',
      ].sort(),
    );
    expect(body.orgId).toBe(await sha256Hex(owner.org.id));
    const live = await env.DB.prepare(
      "SELECT COUNT(DISTINCT meeting_id) AS meetings, SUM(participant_count) AS people FROM sessions WHERE org_id = ? AND status = 'active'",
    )
      .bind(owner.org.id)
      .first<{ meetings: number; people: number }>();
    expect(live).toEqual({ meetings: 2, people: 2 });
    expect(body).toMatchObject({ activeMeetings: live!.meetings, activeParticipants: live!.people });
    const text = JSON.stringify(body);
    for (const secret of [
      owner.org.id,
      owner.org.slug,
      owner.org.name,
      owner.user.email,
      admin.user.email,
      owner.user.name,
      CANARY_NAME,
      CANARY_TITLE,
      meeting.id,
      meeting.rtkMeetingId,
      joined[0]!.sessionId,
      '203.0.113.77',
      '@',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    const logged = await env.DB.prepare(
      "SELECT details FROM diagnostic_health_snapshots WHERE org_id = ? AND check_type = 'phone_home' ORDER BY created_at DESC LIMIT 1",
    )
      .bind(owner.org.id)
      .first<{ details: string }>();
    expect(JSON.parse(logged!.details)).toMatchObject({ delivered: true, sent: body });
  });

  it('stops all outbound telemetry once the org switches it off (manual and scheduled)', async () => {
    await call('PATCH', '/api/diagnostics/settings', { token: owner.token, body: { phoneHomeEnabled: false } });
    const mine = await sha256Hex(owner.org.id);
    const ours = async () => (await telemetry()).filter((post) => post.body.orgId === mine);
    const before = (await ours()).length;
    await expectError(
      await call('POST', '/api/diagnostics/phone-home', { token: owner.token, body: {}, env: rtk.env }),
      409,
      'phone_home_disabled',
    );
    const dry = await jsonOf<'POST /api/diagnostics/phone-home'>(
      await call('POST', '/api/diagnostics/phone-home', { token: owner.token, body: { dryRun: true }, env: rtk.env }),
    );
    expect(dry.delivered).toBe(false);
    await runScheduled(EVERY_FIVE_MINUTES, rtk.env);
    expect(await ours()).toHaveLength(before);
    // Switched back on, the scheduled check reports the org again.
    await call('PATCH', '/api/diagnostics/settings', { token: owner.token, body: { phoneHomeEnabled: true } });
    await runScheduled(EVERY_FIVE_MINUTES, rtk.env);
    expect(await ours()).toHaveLength(before + 1);
    const scheduled = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM diagnostic_health_snapshots WHERE org_id = ? AND check_type = 'scheduled'",
    )
      .bind(owner.org.id)
      .first<{ n: number }>();
    expect(scheduled!.n).toBeGreaterThanOrEqual(2);
  });
});

describe('retention', () => {
  it('deletes deliveries after 30 days and health snapshots after 90, keeping newer rows', async () => {
    const day = 86_400_000;
    const old = (days: number) => new Date(Date.now() - days * day).toISOString();
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO diagnostic_webhook_deliveries (id, org_id, webhook_event_type, status, received_at)
         VALUES ('01RETENTIONOLDDELIVERY0001', ?, 'meeting.started', 'processed', ?),
                ('01RETENTIONNEWDELIVERY0001', ?, 'meeting.started', 'processed', ?)`,
      ).bind(owner.org.id, old(31), owner.org.id, old(29)),
      env.DB.prepare(
        `INSERT INTO diagnostic_health_snapshots (id, org_id, check_type, status, created_at)
         VALUES ('01RETENTIONOLDSNAPSHOT0001', ?, 'scheduled', 'healthy', ?),
                ('01RETENTIONNEWSNAPSHOT0001', ?, 'scheduled', 'healthy', ?)`,
      ).bind(owner.org.id, old(91), owner.org.id, old(89)),
    ]);
    // Through the Worker's own scheduled() entry, as the cron trigger calls it.
    await (worker as ExportedHandler<Env>).scheduled!(
      createScheduledController({ cron: NIGHTLY, scheduledTime: Date.now() }) as never,
      env,
      createExecutionContext(),
    );
    const ids = async (table: string) =>
      (await env.DB.prepare(`SELECT id FROM ${table} WHERE id LIKE '01RETENTION%'`).all<{ id: string }>()).results.map(
        (r) => r.id,
      );
    expect(await ids('diagnostic_webhook_deliveries')).toEqual(['01RETENTIONNEWDELIVERY0001']);
    expect(await ids('diagnostic_health_snapshots')).toEqual(['01RETENTIONNEWSNAPSHOT0001']);
    expect(await cleanupDiagnostics(env.DB)).toEqual({ deliveries: 0, snapshots: 0 });
  });
});
