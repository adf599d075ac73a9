import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { forbidden, notFound } from '../http/errors';
import { can } from '@castio/shared/rbac';
import { countInvites, findMeeting, type MeetingRow } from './queries';

/** Owners and admins manage every meeting of the org; hosts the ones they created (§4.5). */
export const canManageMeeting = (auth: AuthContext, meeting: MeetingRow) =>
  can(auth.role, 'meetings.manage.any') ||
  (can(auth.role, 'meetings.manage.own') && meeting.created_by === auth.userId);

/** A meeting of the caller's org; any other id (another org's included) is simply not found. */
export async function meetingOf(env: Pick<Env, 'DB'>, auth: AuthContext, meetingId: string): Promise<MeetingRow> {
  const meeting = await findMeeting(env.DB, auth.orgId, meetingId);
  if (!meeting) throw notFound('The meeting');
  return meeting;
}

/** A meeting the caller may edit, end or control. */
export async function managedMeeting(env: Pick<Env, 'DB'>, auth: AuthContext, meetingId: string): Promise<MeetingRow> {
  const meeting = await meetingOf(env, auth, meetingId);
  if (!canManageMeeting(auth, meeting)) throw forbidden('Only the meeting’s host or an administrator can do this.');
  return meeting;
}

/**
 * §4.5 "Join meetings — Member: Invited/Open": a meeting without invitations is open to every member of the
 * org; once someone is invited, members need an invitation of their own (by account or e-mail).
 */
export async function memberMayJoin(env: Env, auth: AuthContext, meeting: MeetingRow): Promise<boolean> {
  if (auth.role !== 'member') return true;
  const row = await countInvites(env.DB, meeting.id, { userId: auth.userId, email: auth.email.toLowerCase() });
  return !row || row.invites === 0 || (row.mine ?? 0) > 0;
}
