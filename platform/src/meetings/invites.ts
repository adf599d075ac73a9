import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { findOrgUsersByIds } from '../users/queries';
import { managedMeeting, meetingOf } from './access';
import {
  answerMeetingInvite,
  findInviteOfInvitee,
  findInvitesOfMeeting,
  insertMeetingInviteStatement,
  type MeetingInviteRow,
} from './queries';

const toInvite = (row: MeetingInviteRow) => ({
  id: row.id,
  userId: row.user_id,
  email: row.email,
  rsvpStatus: row.rsvp_status,
  createdAt: row.created_at,
});

async function invitesOf(env: Env, meetingId: string) {
  return { items: (await findInvitesOfMeeting(env.DB, meetingId)).map(toInvite) };
}

/** Invites org members (by id) and outsiders (by e-mail); inviting someone twice changes nothing. */
export async function inviteToMeeting(
  env: Env,
  auth: AuthContext,
  meetingId: string,
  body: { userIds: string[]; emails: string[] },
) {
  const meeting = await managedMeeting(env, auth, meetingId);
  const userIds = [...new Set(body.userIds)];
  if (userIds.length > 0) {
    const known = new Set((await findOrgUsersByIds(env.DB, auth.orgId, userIds)).map((user) => user.id));
    const unknown = userIds.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new ApiError('unknown_users', 'Some invited people are not in your organisation.', {
        userIds: unknown,
      });
  }
  const insert = (userId: string | null, email: string | null) =>
    insertMeetingInviteStatement(env.DB, { orgId: auth.orgId, meetingId: meeting.id, userId, email });
  const statements = [
    ...userIds.map((userId) => insert(userId, null)),
    ...[...new Set(body.emails.map((email) => email.toLowerCase()))].map((email) => insert(null, email)),
  ];
  await env.DB.batch(statements);
  return invitesOf(env, meeting.id);
}

export async function listMeetingInvites(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  return invitesOf(env, meeting.id);
}

/** The invited person answers (accepted / declined / tentative). */
export async function answerInvite(
  env: Env,
  auth: AuthContext,
  meetingId: string,
  rsvpStatus: MeetingInviteRow['rsvp_status'],
) {
  const meeting = await meetingOf(env, auth, meetingId);
  const invitee = { userId: auth.userId, email: auth.email.toLowerCase() };
  if (!(await answerMeetingInvite(env.DB, meeting.id, invitee, rsvpStatus)))
    throw notFound('Your invitation to this meeting');
  return toInvite((await findInviteOfInvitee(env.DB, meeting.id, invitee))!);
}
