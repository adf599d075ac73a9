import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrg, type Session } from '../../test/helpers';
import { reconcileStaleSessions } from '../analytics/polling';
import { EVERY_FIVE_MINUTES, runScheduled } from '../cron';
import { faultyDb } from './faulty-d1.testkit';
import { expectRowsMatch } from './ledger-checks.testkit';
import {
  downloadPath,
  type LocalRtk,
  localRtk,
  personOf,
  type PlayOptions,
  type RtkDelivery,
} from './local-rtk.testkit';
import { type PlayedSession, truthAsDelivered } from './session-truth.testkit';
import type { FaultRule } from '@castio/local-cloud/faults';

/**
 * The ledger check of docs/architecture.md#webhook-ingest on sessions the local cloud's session player really plays: RTK delivers
 * them (with its own duplicates and reordering), every delivery reaches the Worker under a fault schedule (each
 * 1–3 times, shuffled, some refused by a storage failure and redelivered as RTK retries, some processing runs
 * failing in D1 or at RTK after the raw store), the crons run, and the derived rows must equal the player's
 * ground truth: 0 lost, 0 duplicated, nothing left unprocessed.
 */
let rtk: LocalRtk;
let owner: Session;
let member: Session;

beforeAll(async () => {
  rtk = await localRtk('ledger');
  owner = await createOrg('ledger');
  member = await addMember(owner, 'member');
});

/** A 30-minute recorded session of the owner, the member and `guests` more, played by the local cloud. */
async function playSession(options: PlayOptions = {}) {
  const meeting = await rtk.meeting(owner);
  const participantIds = [
    await rtk.participant(meeting, personOf(owner)),
    await rtk.participant(meeting, personOf(member)),
  ];
  return rtk.play(meeting, { participantIds, minutes: 30, record: true, ...options });
}

/** The 5-minute cron as deployed (retries, the missed-mail sweep, sending), `runs` times, half an hour apart. */
async function runCrons(runs: number) {
  for (let run = 1; run <= runs; run++) await runScheduled(EVERY_FIVE_MINUTES, rtk.env, Date.now() + run * 30 * 60_000);
}

describe('nothing is lost', () => {
  it('delivered as RTK sent them: the rows equal the ground truth', async () => {
    const { truth, deliveries } = await playSession({ participants: 2, seed: 1 });
    expect(deliveries.map((delivery) => delivery.event)).toEqual(truth.events);
    for (const delivery of deliveries) expect((await rtk.deliver(delivery)).status).toBe(200);
    await expectRowsMatch(rtk, truth, [owner, member]);
  });

  it('when every delivery, RTK’s duplicates included, arrives four times at once, replays under other headers', async () => {
    const { truth, deliveries } = await playSession({ participants: 3, duplicate: true, reorder: true, seed: 99 });
    expect(truth.webhooks.some((webhook) => webhook.duplicated)).toBe(true);
    const answers = await Promise.all(
      deliveries.flatMap((delivery) => [
        rtk.deliver(delivery),
        rtk.deliver(delivery, { uuid: crypto.randomUUID() }),
        rtk.deliver(delivery, { uuid: crypto.randomUUID(), webhookId: crypto.randomUUID() }),
        rtk.deliver(delivery, { uuid: null, webhookId: null }),
      ]),
    );
    expect(answers.map((answer) => answer.status).every((status) => status === 200)).toBe(true);
    await runCrons(1);
    await expectRowsMatch(rtk, truth, [owner, member]);
  });

  it('when RTK drops deliveries: what arrived is stored once, and the rows hold all it told', async () => {
    let dropped = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(10_000), async (seed) => {
        const { truth, deliveries } = await playSession({ participants: 2, drop: true, duplicate: true, seed });
        dropped += truth.webhooks.filter((webhook) => webhook.dropped).length;
        for (const delivery of deliveries) expect((await rtk.deliver(delivery)).status).toBe(200);
        // A dropped meeting.ended is caught by polling RTK once the session has been quiet for a while.
        await reconcileStaleSessions(rtk.env, new Set(), Date.now() + 20 * 60_000);
        await runCrons(1);
        const told = truthAsDelivered(
          truth,
          deliveries.map((delivery) => delivery.body),
        );
        await expectRowsMatch(rtk, told, [owner, member]);
      }),
      { numRuns: 5 },
    );
    expect(dropped).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it('under duplicates, reordering, refused-then-redelivered deliveries and mid-handler D1/RTK failures', async () => {
    let sessions = 0;
    let deliveriesMade = 0;
    await fc.assert(
      fc.asyncProperty(faultSchedule, async (schedule) => {
        const { truth, deliveries } = await playSession({
          participants: schedule.guests,
          duplicate: schedule.duplicate,
          reorder: schedule.reorder,
          seed: schedule.seed,
        });
        await rtk.setFaults(rtkFaults(truth, deliveries, schedule.plan));
        deliveriesMade += await deliverUnderFaults(deliveries, schedule.plan);
        await runCrons(3);
        await rtk.clearFaults();
        await expectRowsMatch(rtk, truth, [owner, member]);
        sessions++;
      }),
      { numRuns: 10 },
    );
    expect(sessions).toBe(10);
    expect(deliveriesMade).toBeGreaterThan(200);
  }, 120_000);
});

const faultSchedule = fc.record({
  seed: fc.nat(10_000),
  guests: fc.integer({ min: 0, max: 2 }),
  duplicate: fc.boolean(),
  reorder: fc.boolean(),
  plan: fc.array(
    fc.record({
      order: fc.double({ min: 0, max: 1, noNaN: true }),
      copies: fc.integer({ min: 1, max: 3 }),
      newUuidOnRepeat: fc.boolean(),
      refusedFirst: fc.boolean(),
      // 0: none; n > 0: the n-th D1 operation of the first processing run fails.
      d1FaultAt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 })),
      rtkFault: fc.boolean(),
    }),
    { minLength: 40, maxLength: 40 },
  ),
});
type Step = (typeof faultSchedule extends fc.Arbitrary<infer T> ? T : never)['plan'][number];

/**
 * RTK-side failures for the first processing run of the chosen deliveries: the recording lookup on UPLOADED
 * (three failures, as the client retries twice) and the transcript, summary and chat downloads. RTK's duplicate
 * of a delivery is the same event, stored and processed once, so it gets no rules of its own: stacked on the
 * same path they would fail that event's later attempts too, until it ran out of attempts.
 */
function rtkFaults(truth: PlayedSession, deliveries: RtkDelivery[], plan: Step[]): FaultRule[] {
  const faulted = new Set<string>();
  return deliveries.flatMap((delivery, index): FaultRule[] => {
    if (!plan[index % plan.length]!.rtkFault || faulted.has(delivery.body)) return [];
    faulted.add(delivery.body);
    const body = JSON.parse(delivery.body) as { recording?: { id: string; status: string } };
    if (body.recording?.status === 'UPLOADED')
      return [
        { method: 'GET', path: rtk.api(`/recordings/${body.recording.id}`), status: 503, errorRate: 1, times: 3 },
      ];
    const kind = {
      'meeting.transcript': 'transcript',
      'meeting.summary': 'summary',
      'meeting.chatSynced': 'chat',
    } as const;
    const download = kind[delivery.event as keyof typeof kind];
    return download
      ? [{ target: 'download', path: downloadPath(download, truth.sessionId), errorRate: 1, times: 1 }]
      : [];
  });
}

/**
 * Hands RTK's deliveries to the Worker, each 1–3 times in a shuffled order; a refused one (the raw store fails,
 * 500) comes again at the end, as RTK retries it; a D1 failure in the first processing run leaves the event to
 * the retry cron. Returns how many requests the Worker got.
 */
async function deliverUnderFaults(deliveries: RtkDelivery[], plan: Step[]) {
  const faulty = faultyDb(env.DB);
  const faultyEnv = { ...rtk.env, DB: faulty.db };
  const schedule = deliveries.flatMap((delivery, index) => {
    const step = plan[index % plan.length]!;
    return Array.from({ length: step.copies }, (_, copy) => ({
      delivery,
      uuid: copy > 0 && step.newUuidOnRepeat ? crypto.randomUUID() : delivery.uuid,
      refused: copy === 0 && step.refusedFirst,
      d1FaultAt: copy === 0 ? step.d1FaultAt : 0,
      order: (step.order + copy * 0.37) % 1,
    }));
  });
  schedule.sort((a, b) => a.order - b.order);
  const retries: typeof schedule = [];
  for (const item of schedule) {
    if (item.refused) {
      faulty.failAt(1); // the raw store is one D1 batch
      expect((await rtk.deliver(item.delivery, { uuid: item.uuid, env: faultyEnv })).status).toBe(500);
      retries.push(item);
      continue;
    }
    faulty.failAt(item.d1FaultAt ? item.d1FaultAt + 1 : 0); // after the store: inside processing
    expect((await rtk.deliver(item.delivery, { uuid: item.uuid, env: faultyEnv })).status).toBe(200);
    faulty.failAt(0);
  }
  for (const item of retries) expect((await rtk.deliver(item.delivery, { uuid: item.uuid })).status).toBe(200);
  return schedule.length + retries.length;
}
