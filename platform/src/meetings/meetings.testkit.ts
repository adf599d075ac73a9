/** Test kit (imported only by tests): the local cloud's RTK seen from outside, fault sets per RTK app, meeting helpers. */
import { expect } from 'vitest';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import { call, jsonOf, multiOrgEnv, type Session } from '../../test/helpers';
import type { MeetingRow } from './queries';
import { createRtkApp, faultSetOf } from '../webhooks/local-rtk.testkit';

/** The local cloud's RealtimeKit, to check what the platform did there. */
export const rtk = rtkClientFromEnv(multiOrgEnv, { retries: 0 })!;

export async function createMeeting(session: Session, body: Record<string, unknown>) {
  const response = await call('POST', '/api/meetings', { token: session.token, body });
  const meeting = await jsonOf<'POST /api/meetings'>(response);
  expect(response.status, JSON.stringify(meeting)).toBe(201);
  return meeting;
}

export async function join(session: Session, meetingId: string) {
  return call('POST', `/api/meetings/${meetingId}/join`, { token: session.token });
}

export async function rowOf(meetingId: string) {
  return multiOrgEnv.DB.prepare('SELECT * FROM meetings WHERE id = ?').bind(meetingId).first<MeetingRow>();
}

export const inAnHour = () => new Date(Date.now() + 60 * 60_000).toISOString();

/**
 * A test env on its own RTK app of the local cloud: fault rules aimed at that app's paths cannot hit the other
 * test files, which run at the same time against the shared local cloud.
 */
export async function isolatedRtkEnv(name: string) {
  const appId = await createRtkApp(name);
  const env = { ...multiOrgEnv, RTK_APP_ID: appId };
  return {
    env,
    appId,
    rtk: rtkClientFromEnv(env, { retries: 0 })!,
    /** Glob of one of this app's RTK paths, for fault rules. */
    path: (rest: string) => `/client/v4/accounts/*/realtime/kit/${appId}${rest}`,
    ...faultSetOf(appId),
  };
}
