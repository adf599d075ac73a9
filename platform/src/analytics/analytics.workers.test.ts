import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@castio/shared/ids';
import { addMember, call, createOrg, expectError, jsonOf, type Session } from '../../test/helpers';
import { type LocalRtk, localRtk } from '../webhooks/local-rtk.testkit';
import { DAY_MS, dayOf, periodOf, splitRuns } from './dates';
import type { ResponseBody } from '../../test/api-types';
import { rollupPending } from './queries';

let rtk: LocalRtk;
let owner: Session;
let hostA: Session;
let hostB: Session;
let other: Session;
const today = dayOf(Date.now());
const daysAgo = (n: number) => dayOf(Date.now() - n * DAY_MS);
const from = daysAgo(20);

async function seedSession(orgId: string, meetingId: string, day: string, n: number) {
  const id = newId();
  await env.DB.prepare(
    `INSERT INTO sessions (id, org_id, meeting_id, rtk_session_id, status, started_at, ended_at, duration_seconds,
       total_participants, peak_participant_count, has_transcript, has_summary, has_recording)
     VALUES (?, ?, ?, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      orgId,
      meetingId,
      `seed-${id}`,
      `${day}T0${n % 10}:15:00.000Z`,
      `${day}T0${n % 10}:45:00.000Z`,
      600 + n * 7,
      2 + (n % 5),
      1 + (n % 4),
      n % 2,
      n % 3 === 0 ? 1 : 0,
      n % 2,
    )
    .run();
  if (n % 2) {
    await env.DB.prepare(
      `INSERT INTO recordings (id, org_id, meeting_id, session_id, rtk_recording_id, status, duration_seconds) VALUES (?, ?, ?, ?, ?, 'uploaded', ?)`,
    )
      .bind(newId(), orgId, meetingId, id, `seed-rec-${id}`, 300 + n)
      .run();
  }
  for (let m = 0; m < n % 3; m++) {
    await env.DB.prepare(
      `INSERT INTO chat_messages (id, org_id, session_id, meeting_id, rtk_message_id, message_type, content, sent_at) VALUES (?, ?, ?, ?, ?, 'text', 'hi', ?)`,
    )
      .bind(newId(), orgId, id, meetingId, `m${m}`, `${day}T10:00:00.000Z`)
      .run();
  }
}

interface DirectCount {
  sessions: number;
  participants: number;
  seconds: number;
  webinars: number;
  recordings: number;
  chat: number;
}

/** The numbers straight from the tables, the way a person would count them. */
async function directCount(orgId: string, range: { from: string; to: string }, hostUserId: string | null = null) {
  const bounds = [
    `${range.from}T00:00:00.000Z`,
    new Date(Date.parse(`${range.to}T00:00:00.000Z`) + DAY_MS).toISOString(),
  ];
  const where = `s.org_id = ?1 AND s.started_at >= ?2 AND s.started_at < ?3 AND (?4 IS NULL OR m.created_by = ?4)`;
  const row = await env.DB.prepare(
    `SELECT COUNT(*) AS sessions, COALESCE(SUM(s.total_participants), 0) AS participants, COALESCE(SUM(s.duration_seconds), 0) AS seconds,
            COALESCE(SUM(m.meeting_type = 'webinar'), 0) AS webinars,
            (SELECT COUNT(*) FROM recordings r JOIN sessions s ON s.id = r.session_id JOIN meetings m ON m.id = s.meeting_id WHERE ${where} AND r.status = 'uploaded') AS recordings,
            (SELECT COUNT(*) FROM chat_messages c JOIN sessions s ON s.id = c.session_id JOIN meetings m ON m.id = s.meeting_id WHERE ${where}) AS chat
       FROM sessions s JOIN meetings m ON m.id = s.meeting_id WHERE ${where}`,
  )
    .bind(orgId, bounds[0], bounds[1], hostUserId)
    .first<DirectCount>();
  return row!;
}

const overviewOf = async (who: Session, query = `from=${from}&to=${today}`) =>
  jsonOf<'GET /api/analytics/overview'>(await call('GET', `/api/analytics/overview?${query}`, { token: who.token }));

function expectEqualToDirect(overview: ResponseBody<'GET /api/analytics/overview'>, direct: DirectCount) {
  expect(overview.totals).toMatchObject({
    sessions: direct.sessions,
    participants: direct.participants,
    durationSeconds: direct.seconds,
    recordings: direct.recordings,
    chatMessages: direct.chat,
  });
  expect(overview.meetingTypes.webinar).toBe(direct.webinars);
}

beforeAll(async () => {
  rtk = await localRtk('analytics');
  owner = await createOrg('stats');
  hostA = await addMember(owner, 'host', 'hosta');
  hostB = await addMember(owner, 'host', 'hostb');
  other = await createOrg('statsother');
  const a1 = await rtk.meeting(owner, { createdBy: hostA.user.id, meetingType: 'video' });
  const a2 = await rtk.meeting(owner, { createdBy: hostA.user.id, meetingType: 'webinar' });
  const b1 = await rtk.meeting(owner, { createdBy: hostB.user.id, meetingType: 'audio' });
  const o1 = await rtk.meeting(other, { meetingType: 'video' });
  let n = 0;
  for (let back = 25; back >= 0; back--) {
    for (const [index, meeting] of [a1, a2, b1].entries()) {
      if ((back * 3 + index) % 4 !== 0) await seedSession(owner.org.id, meeting.id, daysAgo(back), n++);
    }
    await seedSession(other.org.id, o1.id, daysAgo(back), n++);
  }
});

describe('analytics totals', () => {
  it('equal a direct count, live and from the rollups', async () => {
    const direct = await directCount(owner.org.id, { from, to: today });
    expect(direct.sessions).toBeGreaterThan(20);
    const live = await overviewOf(owner);
    expect(live.source).toBe('live');
    expectEqualToDirect(live, direct);
    const rolled = await rollupPending(env.DB);
    expect(rolled).toContain(daysAgo(25));
    expect(rolled).not.toContain(today);
    const fromRollups = await overviewOf(owner);
    expect(fromRollups.source).toBe('rollup+live');
    expect(fromRollups.totals).toEqual(live.totals);
    expect(fromRollups.meetingTypes).toEqual(live.meetingTypes);
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM daily_analytics WHERE org_id = ?')
      .bind(owner.org.id)
      .first<{ n: number }>();
    expect(rows?.n).toBeGreaterThan(15);
  });

  it('shows hosts only their own meetings', async () => {
    for (const host of [hostA, hostB]) {
      const mine = await overviewOf(host);
      expect(mine.scope).toBe('own');
      expectEqualToDirect(mine, await directCount(owner.org.id, { from, to: today }, host.user.id));
    }
    const a = await overviewOf(hostA);
    const b = await overviewOf(hostB);
    const all = await overviewOf(owner);
    expect(a.totals.sessions + b.totals.sessions).toBe(all.totals.sessions);
    expect(b.meetingTypes).toMatchObject({ video: 0, webinar: 0 });
    const meetings = await jsonOf<'GET /api/analytics/meetings'>(
      await call('GET', `/api/analytics/meetings?from=${from}&to=${today}`, { token: hostB.token }),
    );
    expect(meetings.items.every((item) => item.hostUserId === hostB.user.id)).toBe(true);
    await expectError(
      await call('GET', '/api/analytics/overview', { token: (await addMember(owner, 'member')).token }),
      403,
    );
  });

  it('recomputes a rolled-up day live when a late session arrives, then rolls it up again', async () => {
    const meeting = await rtk.meeting(owner, { createdBy: hostA.user.id });
    const day = daysAgo(1);
    await rollupPending(env.DB);
    const marker = () =>
      env.DB.prepare('SELECT 1 AS x FROM analytics_rollups WHERE org_id = ? AND date = ?')
        .bind(owner.org.id, day)
        .first();
    expect(await marker()).not.toBeNull();
    const before = await overviewOf(owner);
    // A whole day's session: it started yesterday, a day already rolled up, and its webhooks arrive only now.
    const { truth, deliveries } = await rtk.play(meeting, { participants: 2, minutes: 24 * 60, transcript: false });
    expect(truth.startedAt.slice(0, 10)).toBe(day);
    for (const delivery of deliveries) expect((await rtk.deliver(delivery)).status).toBe(200);
    expect(await marker()).toBeNull();
    const after = await overviewOf(owner);
    expect(after.totals.sessions).toBe(before.totals.sessions + 1);
    expect(after.totals.participants).toBe(before.totals.participants + 2);
    expect(after.totals.durationSeconds).toBe(before.totals.durationSeconds + 24 * 3600);
    expectEqualToDirect(after, await directCount(owner.org.id, { from, to: today }));
    expect(await rollupPending(env.DB)).toContain(day);
    expect((await overviewOf(owner)).totals).toEqual(after.totals);
  });

  it('groups usage by day, week and month with the same sums', async () => {
    const daily = await jsonOf<'GET /api/analytics/usage'>(
      await call('GET', `/api/analytics/usage?from=${from}&to=${today}&granularity=day`, { token: owner.token }),
    );
    const weekly = await jsonOf<'GET /api/analytics/usage'>(
      await call('GET', `/api/analytics/usage?from=${from}&to=${today}&granularity=week`, { token: owner.token }),
    );
    const total = (series: { sessions: number }[]) => series.reduce((sum, row) => sum + row.sessions, 0);
    expect(total(weekly.series)).toBe(total(daily.series));
    expect(weekly.series.length).toBeLessThanOrEqual(4);
    expect(total(daily.series)).toBe((await overviewOf(owner)).totals.sessions);
  });

  it('validates ranges', async () => {
    for (const query of [
      'from=2026-13-01',
      'from=2026-02-30',
      `from=${today}&to=${daysAgo(1)}`,
      'from=2024-01-01&to=2026-01-01',
      'to=yesterday',
    ]) {
      await expectError(
        await call('GET', `/api/analytics/overview?${query}`, { token: owner.token }),
        400,
        'validation_failed',
      );
    }
  });
});

describe('CSV exports', () => {
  it('writes reports to the exports bucket; only the org (and for hosts, only their own) can read them', async () => {
    const created = await jsonOf<'POST /api/analytics/exports'>(
      await call('POST', '/api/analytics/exports', { token: hostA.token, body: { report: 'usage', from, to: today } }),
    );
    expect(created.downloadPath).toBe(`/api/analytics/exports/${created.id}`);
    const download = await call('GET', created.downloadPath, { token: hostA.token });
    expect(download.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await download.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'date,sessions,participants,duration_minutes,recordings,chat_messages,peak_concurrent,video,audio,webinar,livestream',
    );
    const sessions = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[1]), 0);
    expect(sessions).toBe((await overviewOf(hostA)).totals.sessions);
    expect((await call('GET', created.downloadPath, { token: owner.token })).status).toBe(200);
    await expectError(await call('GET', created.downloadPath, { token: hostB.token }), 404);
    await expectError(await call('GET', created.downloadPath, { token: other.token }), 404);
    const meetings = await jsonOf<'POST /api/analytics/exports'>(
      await call('POST', '/api/analytics/exports', { token: owner.token, body: { report: 'meetings' } }),
    );
    const text = await (await call('GET', meetings.downloadPath, { token: owner.token })).text();
    expect(text.split('\r\n')[0]).toBe(
      'meeting_id,title,type,sessions,participants,duration_minutes,peak_concurrent,last_session_at',
    );
  });
});

describe('date helpers', () => {
  it('split runs and periods', () => {
    expect(splitRuns(['a', 'b', 'c', 'd'], new Set(['a', 'b', 'd']))).toEqual([
      { rolled: true, from: 'a', to: 'b' },
      { rolled: false, from: 'c', to: 'c' },
      { rolled: true, from: 'd', to: 'd' },
    ]);
    expect(periodOf('2026-11-26', 'week')).toBe('2026-11-23');
    expect(periodOf('2026-11-23', 'week')).toBe('2026-11-23');
    expect(periodOf('2026-11-26', 'month')).toBe('2026-11');
  });
});
