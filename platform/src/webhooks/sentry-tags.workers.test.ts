import * as Sentry from '@sentry/cloudflare';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createOrg, type Session } from '../../test/helpers';
import type { Env } from '../env';
import worker from '../index';
import { downloadPath, type LocalRtk, localRtk, type RtkDelivery } from './local-rtk.testkit';
import { resetKeyRefetchThrottle } from './public-key';
import { channelRequests } from './rtk-deliveries.testkit';

/** Sentry envelopes land on a channel of the capture server (a DSN may carry a path before the project id). */
const CHANNEL = 'sentry-tags';
const dsn = `${inject('captureServerUrl').replace('http://', 'http://hookkey@')}/channels/${CHANNEL}/77`;
let rtk: LocalRtk;
let owner: Session;

beforeAll(async () => {
  rtk = await localRtk('sentry-tags', { SENTRY_DSN_VENDOR: dsn, DEPLOYMENT_ID: 'dep-test' });
  owner = await createOrg('sentrytags');
});

/** Runs a delivery through the real entry point (withSentry), waiting for waitUntil work and the flush. */
async function deliverThroughWorker(delivery: RtkDelivery) {
  const ctx = createExecutionContext();
  const response = await (worker as ExportedHandler<Env>).fetch!(
    new Request('https://castio.test/webhooks/rtk', {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    }) as never,
    rtk.env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  await Sentry.flush(2000);
  return response;
}

const envelopes = async () => (await channelRequests(CHANNEL)).map((post) => post.body);

describe('Sentry on webhook failures (§3.2 tags)', () => {
  it('reports a failed event with component, event type, meeting and org tags, and a bad signature as a message', async () => {
    resetKeyRefetchThrottle();
    const meeting = await rtk.meeting(owner);
    const { truth, deliveries } = await rtk.play(meeting, { participants: 1, minutes: 5 });
    const summary = deliveries.find((delivery) => delivery.event === 'meeting.summary')!;
    // RTK's storage fails when the summary is fetched.
    await rtk.setFaults([{ target: 'download', path: downloadPath('summary', truth.sessionId), errorRate: 1 }]);
    expect((await deliverThroughWorker(summary)).status).toBe(200);
    await rtk.clearFaults();
    const failure = (await envelopes()).find((body) => body.includes('"webhook_event_type":"meeting.summary"'));
    expect(failure, 'a Sentry envelope for the failed event').toBeTruthy();
    for (const tag of [
      '"component":"webhook-handler"',
      `"meeting_id":"${meeting.rtkMeetingId}"`,
      `"org_id":"${owner.org.id}"`,
      '"deployment_id":"dep-test"',
    ]) {
      expect(failure).toContain(tag);
    }
    const forged = await deliverThroughWorker({ ...summary, headers: { ...summary.headers, 'rtk-signature': 'AAAA' } });
    expect(forged.status).toBe(401);
    expect((await envelopes()).some((body) => body.includes('Invalid webhook signature'))).toBe(true);
  });
});
