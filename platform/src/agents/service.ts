import { base64UrlEncode, timingSafeEqualBytes } from '@castio/shared/encoding';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { findMeetingInAnyOrg } from '../meetings/queries';
import { ApiError } from '../http/errors';
import { managedMeeting } from '../meetings/access';

/** One agent object per meeting (ids are global ULIDs; the org is part of the name anyway). */
export const agentStub = (env: Env, orgId: string, meetingId: string) =>
  env.REALTIME_AGENT.get(env.REALTIME_AGENT.idFromName(`${orgId}:${meetingId}`));

async function hmacKey(secret: string) {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}

/** The bearer token the agent pipeline presents on `/agentsInternal/:meetingId/*`: an HMAC bound to the meeting. */
export async function internalToken(env: Env, orgId: string, meetingId: string) {
  const key = await hmacKey(`${env.JWT_SECRET}:agents-internal`);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${orgId}:${meetingId}`));
  return base64UrlEncode(new Uint8Array(mac));
}

export async function initAgent(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  const state = await agentStub(env, auth.orgId, meeting.id).init(meeting.id);
  return {
    ...state,
    internalPath: `/agentsInternal/${meeting.id}`,
    internalToken: await internalToken(env, auth.orgId, meeting.id),
  };
}

export async function deinitAgent(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  return agentStub(env, auth.orgId, meeting.id).deinit(meeting.id);
}

const invalidAgentToken = () => new ApiError('unauthorized', 'A valid agent token is required.');

/** `/agentsInternal/:meetingId/*` → the meeting's agent object, with the rest of the path. */
export async function forwardInternal(env: Env, request: Request, meetingId: string, rest: string) {
  const meeting = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(meetingId) ? await findMeetingInAnyOrg(env.DB, meetingId) : null;
  const presented = /^Bearer ([A-Za-z0-9_-]+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!meeting || !presented) throw invalidAgentToken();
  const expected = await internalToken(env, meeting.org_id, meeting.id);
  const encoder = new TextEncoder();
  if (!timingSafeEqualBytes(encoder.encode(presented), encoder.encode(expected))) throw invalidAgentToken();
  const url = new URL(request.url);
  const target = new URL(`/${rest}${url.search}`, 'https://agent.internal');
  const headers = new Headers(request.headers);
  headers.delete('authorization');
  const response = await agentStub(env, meeting.org_id, meeting.id).fetch(
    new Request(target, { method: request.method, headers, body: request.body }),
  );
  // A fresh Response: the object's has immutable headers, and the app's middleware adds security headers.
  return new Response(response.body, response);
}
