import { newId } from '@castio/shared/ids';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { findOrgUsersByIds } from '../users/queries';
import { managedMeeting, meetingOf } from './access';

interface InviteRow {
  id: string;
  user_id: string | null;
  email: string | null;
  rsvp_status: 'pending' | 'accepted' | 'declined' | 'tentative';
  created_at: string;
}

const toInvite = (row: InviteRow) => ({
  id: row.id,
  userId: row.user_id,
  email: row.email,
  rsvpStatus: row.rsvp_status,
  createdAt: row.created_at,
});

async function invitesOf(env: Env, meetingId: string) {
  const { results } = await env.DB.prepare(
    'SELECT id, user_id, email, rsvp_status, created_at FROM meeting_invites WHERE meeting_id = ? ORDER BY id',
  )
    .bind(meetingId)
    .all<InviteRow>();
  return { items: results.map(toInvite) };
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
    env.DB.prepare(
      'INSERT OR IGNORE INTO meeting_invites (id, org_id, meeting_id, user_id, email) VALUES (?, ?, ?, ?, ?)',
    ).bind(newId(), auth.orgId, meeting.id, userId, email);
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
  rsvpStatus: InviteRow['rsvp_status'],
) {
  const meeting = await meetingOf(env, auth, meetingId);
  const result = await env.DB.prepare(
    `UPDATE meeting_invites SET rsvp_status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE meeting_id = ? AND (user_id = ? OR email = ?)`,
  )
    .bind(rsvpStatus, meeting.id, auth.userId, auth.email.toLowerCase())
    .run();
  if (result.meta.changes === 0) throw notFound('Your invitation to this meeting');
  const row = await env.DB.prepare(
    'SELECT id, user_id, email, rsvp_status, created_at FROM meeting_invites WHERE meeting_id = ? AND (user_id = ? OR email = ?) LIMIT 1',
  )
    .bind(meeting.id, auth.userId, auth.email.toLowerCase())
    .first<InviteRow>();
  return toInvite(row!);
}
