/** Test kit (imported only by tests) for the host controls: a team on an RTK app of its own, rooms people are in. */
import { expect } from 'vitest';
import type { Env } from '../env';
import { addMember, call, createOrg, jsonOf, localCloudUrl, multiOrgEnv, type Session } from '../../test/helpers';
import { isolatedRtkEnv, rowOf } from './meetings.testkit';

/**
 * An org with every role, talking to its own RTK app of the local cloud: no other test file's rooms, webhooks or
 * fault rules there, so what RTK holds is exactly what this file did.
 */
export async function hostControlsWorld(label: string, overrides: Partial<Env> = {}) {
  const isolated = await isolatedRtkEnv(label);
  const env: Env = { ...isolated.env, ...overrides };
  const owner = await createOrg(label);
  const [admin, host, otherHost, member] = await Promise.all([
    addMember(owner, 'admin'),
    addMember(owner, 'host'),
    addMember(owner, 'host', 'other-host'),
    addMember(owner, 'member'),
  ]);
  /** An API call as someone (null: nobody signed in), on this world's RTK app. */
  const request = (session: Session | null, method: string, path: string, body?: unknown) =>
    call(method, path, { env, ...(session ? { token: session.token } : {}), ...(body === undefined ? {} : { body }) });

  async function createMeeting(session: Session, body: Record<string, unknown>) {
    const response = await request(session, 'POST', '/api/meetings', body);
    const meeting = await jsonOf<'POST /api/meetings'>(response);
    expect(response.status, JSON.stringify(meeting)).toBe(201);
    return meeting;
  }

  /** Joins through our API, then connects in RTK (the SDK's part), which starts the room's live session. */
  async function joinAndConnect(session: Session, meetingId: string) {
    const response = await request(session, 'POST', `/api/meetings/${meetingId}/join`);
    const joined = await jsonOf<'POST /api/meetings/{meetingId}/join'>(response);
    expect(response.status, JSON.stringify(joined)).toBe(200);
    return { ...joined, ...(await connect(joined.rtkParticipantId)) };
  }

  async function guestJoinAndConnect(meetingId: string, displayName: string) {
    const response = await request(null, 'POST', `/api/meetings/${meetingId}/guest-join`, { displayName });
    const joined = await jsonOf<'POST /api/meetings/{meetingId}/guest-join'>(response);
    expect(response.status, JSON.stringify(joined)).toBe(200);
    const token = await multiOrgEnv.DB.prepare('SELECT id FROM guest_tokens WHERE rtk_participant_id = ?')
      .bind(joined.rtkParticipantId)
      .first<{ id: string }>();
    return { ...joined, guestTokenId: token!.id, ...(await connect(joined.rtkParticipantId)) };
  }

  return {
    ...isolated,
    env,
    owner,
    admin,
    host,
    otherHost,
    member,
    request,
    createMeeting,
    joinAndConnect,
    guestJoinAndConnect,
  };
}

/** The participant connects to its RTK room as a new peer, as the SDK would. */
export async function connect(participantId: string) {
  const response = await fetch(`${localCloudUrl}/__local/rtk/participants/${participantId}/join`, { method: 'POST' });
  const body = (await response.json()) as { peer: { peer_id: string }; session_id: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return { peerId: body.peer.peer_id, rtkSessionId: body.session_id };
}

/** The RTK room a meeting runs in, read from D1. */
export const roomOf = async (meetingId: string): Promise<string> => (await rowOf(meetingId))!.rtk_meeting_id!;

export async function participantEvents(meetingId: string, eventType: string) {
  const { results } = await multiOrgEnv.DB.prepare(
    'SELECT * FROM participant_events WHERE meeting_id = ? AND event_type = ? ORDER BY id',
  )
    .bind(meetingId, eventType)
    .all<Record<string, unknown>>();
  return results;
}
