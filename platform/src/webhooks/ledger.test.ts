import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addMember, createOrg, type Session } from '../../test/helpers';
import { deliver, FakeRtk, faultyDb, insertMeeting } from './fake-rtk.testkit';
import { EVERY_FIVE_MINUTES, runScheduled } from '../diagnostics/crons';
import { buildScenario, type Scenario } from './scenario.testkit';

/**
 * The ledger check of security.md §7.1: a played session is delivered with a random fault schedule
 * (each event 1–3 times, reordered, some deliveries refused by a storage failure and redelivered, some
 * processing runs failing in D1 or at RTK after the raw store), the cron runs, and the derived rows must equal
 * the ground truth: 0 lost, 0 duplicated, nothing left unprocessed.
 */
let fake: FakeRtk;
let owner: Session;
let member: Session;

beforeAll(async () => {
  fake = await FakeRtk.start();
  owner = await createOrg('ledger');
  member = await addMember(owner, 'member');
});
afterAll(() => vi.restoreAllMocks());

async function expectMatchesTruth(scenario: Scenario) {
  const { truth } = scenario;
  const sid = scenario.rtkSessionId;
  const stored = await env.DB.prepare(
    'SELECT COUNT(*) AS n, SUM(processed) AS done FROM webhook_events WHERE rtk_session_id = ?',
  )
    .bind(sid)
    .first<{ n: number; done: number }>();
  expect(stored).toEqual({ n: scenario.events.length, done: scenario.events.length });
  const session = await env.DB.prepare('SELECT * FROM sessions WHERE rtk_session_id = ?').bind(sid).first<any>();
  expect(session).toMatchObject({
    status: 'ended',
    started_at: truth.startedAt,
    ended_at: truth.endedAt,
    duration_seconds: truth.durationSeconds,
    total_participants: truth.totalParticipants,
    peak_participant_count: truth.peak,
    participant_count: 0,
    has_recording: 1,
    has_transcript: 1,
    has_summary: 1,
    has_chat: 1,
  });
  const peers = (
    await env.DB.prepare(
      'SELECT rtk_participant_id, joined_at, left_at, duration_seconds FROM session_participants WHERE session_id = ?',
    )
      .bind(session.id)
      .all<any>()
  ).results;
  expect(
    Object.fromEntries(
      peers.map((peer) => [
        peer.rtk_participant_id,
        { joinedAt: peer.joined_at, leftAt: peer.left_at, durationSeconds: peer.duration_seconds },
      ]),
    ),
  ).toEqual(truth.peers);
  const recording = await env.DB.prepare('SELECT id, status FROM recordings WHERE rtk_recording_id = ?')
    .bind(truth.recordingId)
    .first<any>();
  expect(recording.status).toBe('uploaded');
  const history = (
    await env.DB.prepare('SELECT status FROM recording_status_events WHERE recording_id = ? ORDER BY status')
      .bind(recording.id)
      .all<any>()
  ).results.map((row) => row.status);
  expect(history).toEqual([...truth.recordingStatuses].sort());
  const transcript = await env.DB.prepare('SELECT transcript_json FROM transcripts WHERE session_id = ?')
    .bind(session.id)
    .first<any>();
  expect(JSON.parse(transcript.transcript_json)).toHaveLength(truth.transcriptFinalEntries);
  const summary = await env.DB.prepare('SELECT summary_markdown FROM summaries WHERE session_id = ?')
    .bind(session.id)
    .first<any>();
  expect(summary.summary_markdown).toBe(truth.summary);
  const chat = await env.DB.prepare(
    'SELECT COUNT(*) AS n, SUM(is_pinned) AS pinned FROM chat_messages WHERE session_id = ?',
  )
    .bind(session.id)
    .first();
  expect(chat).toEqual({ n: truth.chatMessages, pinned: truth.pinnedMessages });
  const notified = (
    await env.DB.prepare('SELECT user_id FROM notifications WHERE dedupe_key LIKE ? ORDER BY user_id')
      .bind(`meeting-ended:${session.id}:%`)
      .all<any>()
  ).results.map((row) => row.user_id);
  expect(notified).toEqual(truth.notifiedUsers);
}

describe('nothing is lost', () => {
  it('in order, once each: the rows equal the ground truth', async () => {
    const meeting = await insertMeeting(owner);
    const scenario = buildScenario(fake, {
      rtkMeetingId: meeting.rtkMeetingId,
      users: [owner.user, member.user],
      guests: 2,
      seed: 1,
    });
    for (const event of scenario.events) expect((await deliver(fake, event.payload)).status).toBe(200);
    await expectMatchesTruth(scenario);
  });

  it('when every delivery (each twice) arrives at once', async () => {
    const meeting = await insertMeeting(owner);
    const scenario = buildScenario(fake, {
      rtkMeetingId: meeting.rtkMeetingId,
      users: [owner.user, member.user],
      guests: 3,
      seed: 99,
    });
    const deliveries = scenario.events.flatMap((event) => {
      const uuid = crypto.randomUUID();
      return [deliver(fake, event.payload, { uuid }), deliver(fake, event.payload, { uuid: crypto.randomUUID() })];
    });
    const statuses = (await Promise.all(deliveries)).map((response) => response.status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    await runScheduled(EVERY_FIVE_MINUTES, fake.env(), Date.now() + 30 * 60_000);
    await expectMatchesTruth(scenario);
  });

  it('under duplicates, reordering, dropped-then-redelivered deliveries and mid-handler D1/RTK failures', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.nat(10_000),
          guests: fc.integer({ min: 0, max: 3 }),
          plan: fc.array(
            fc.record({
              order: fc.double({ min: 0, max: 1, noNaN: true }),
              copies: fc.integer({ min: 1, max: 3 }),
              newUuidOnRepeat: fc.boolean(),
              dropFirst: fc.boolean(),
              // 0: none; n>0: the n-th D1 operation of the first processing run fails.
              d1FaultAt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 })),
              rtkFault: fc.boolean(),
            }),
            { minLength: 40, maxLength: 40 },
          ),
        }),
        async ({ seed, guests, plan }) => {
          run++;
          const meeting = await insertMeeting(owner);
          const scenario = buildScenario(fake, {
            rtkMeetingId: meeting.rtkMeetingId,
            users: [owner.user, member.user],
            guests,
            seed: seed + run * 100_000,
          });
          const faulty = faultyDb(env.DB);
          const faultyEnv = fake.env({ DB: faulty.db });
          const deliveries: { index: number; uuid: string; drop: boolean; d1FaultAt: number; order: number }[] = [];
          scenario.events.forEach((_, index) => {
            const step = plan[index % plan.length]!;
            const uuid = crypto.randomUUID();
            for (let copy = 0; copy < step.copies; copy++) {
              deliveries.push({
                index,
                uuid: copy > 0 && step.newUuidOnRepeat ? crypto.randomUUID() : uuid,
                drop: copy === 0 && step.dropFirst,
                d1FaultAt: copy === 0 ? step.d1FaultAt : 0,
                order: (step.order + copy * 0.37) % 1,
              });
            }
            if (step.rtkFault) {
              const payload = scenario.events[index]!.payload;
              const url: string | undefined =
                payload.transcriptDownloadUrl ?? payload.summaryDownloadUrl ?? payload.chatDownloadUrl;
              if (url) fake.faults.set(new URL(url).pathname, 1);
              if (payload.recording?.status === 'UPLOADED') fake.faults.set(`/recordings/${payload.recording.id}`, 1);
            }
          });
          deliveries.sort((a, b) => a.order - b.order);
          const redeliver: typeof deliveries = [];
          for (const delivery of deliveries) {
            const payload = scenario.events[delivery.index]!.payload;
            if (delivery.drop) {
              faulty.failAt(1); // the store fails → 500 → RTK retries later
              expect((await deliver(fake, payload, { uuid: delivery.uuid, env: faultyEnv })).status).toBe(500);
              redeliver.push({ ...delivery, drop: false });
              continue;
            }
            // Storage is one D1 batch; faults after it hit processing.
            faulty.failAt(delivery.d1FaultAt ? delivery.d1FaultAt + 1 : 0);
            expect((await deliver(fake, payload, { uuid: delivery.uuid, env: faultyEnv })).status).toBe(200);
            faulty.failAt(0);
          }
          for (const delivery of redeliver) {
            const payload = scenario.events[delivery.index]!.payload;
            expect((await deliver(fake, payload, { uuid: delivery.uuid, env: faultyEnv })).status).toBe(200);
          }
          // The 5-minute cron as deployed: retries, the missed-mail sweep, sending.
          for (let cron = 1; cron <= 3; cron++)
            await runScheduled(EVERY_FIVE_MINUTES, fake.env(), Date.now() + cron * 30 * 60_000);
          await expectMatchesTruth(scenario);
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);
});
