import * as Sentry from '@sentry/cloudflare';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createOrg, type Session } from '../../test/helpers';
import worker from '../index';
import type { Env } from '../env';
import { FakeRtk, insertMeeting, meetingObject } from './fake-rtk.testkit';
import { resetKeyRefetchThrottle } from './public-key';

const sink = inject('captureServerUrl');
const PROJECT = 77;
const dsn = `${sink.replace('http://', 'http://hookkey@')}/${PROJECT}`;
let fake: FakeRtk;
let owner: Session;

beforeAll(async () => {
  fake = await FakeRtk.start();
  owner = await createOrg('sentrytags');
});
afterAll(() => vi.restoreAllMocks());

/** Runs a delivery through the real entry point (withSentry), waiting for waitUntil work and the flush. */
async function deliverThroughWorker(body: string, signature: string | null) {
  const env: Env = fake.env({ SENTRY_DSN_VENDOR: dsn, DEPLOYMENT_ID: 'dep-test' });
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { 'content-type': 'application/json', 'rtk-uuid': crypto.randomUUID() };
  if (signature) headers['rtk-signature'] = signature;
  const response = await (worker as ExportedHandler<Env>).fetch!(
    new Request('https://castio.test/webhooks/rtk', { method: 'POST', headers, body }) as never,
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  await Sentry.flush(2000);
  return response;
}

const ours = async () =>
  ((await (await fetch(`${sink}/__received`)).json()) as { path: string; body: string }[]).filter((post) =>
    post.path.startsWith(`/api/${PROJECT}/`),
  );

describe('Sentry on webhook failures (§3.2 tags)', () => {
  it('reports a failed event with component, event type, meeting and org tags, and a bad signature as a message', async () => {
    resetKeyRefetchThrottle();
    const meeting = await insertMeeting(owner);
    const body = JSON.stringify({
      event: 'meeting.summary',
      meeting: meetingObject(meeting.rtkMeetingId, 'sess-sentry'),
      summaryDownloadUrl: 'https://files.rtk.test/gone.md',
    });
    const response = await deliverThroughWorker(body, await fake.key.sign(body));
    expect(response.status).toBe(200);
    const failure = (await ours()).find((post) => post.body.includes('"webhook_event_type":"meeting.summary"'));
    expect(failure, 'a Sentry envelope for the failed event').toBeTruthy();
    for (const tag of [
      '"component":"webhook-handler"',
      `"meeting_id":"${meeting.rtkMeetingId}"`,
      `"org_id":"${owner.org.id}"`,
      '"deployment_id":"dep-test"',
    ]) {
      expect(failure!.body).toContain(tag);
    }
    const forged = await deliverThroughWorker(body, 'AAAA');
    expect(forged.status).toBe(401);
    expect((await ours()).some((post) => post.body.includes('Invalid webhook signature'))).toBe(true);
  });
});
