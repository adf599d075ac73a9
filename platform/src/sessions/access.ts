import type { AuthContext } from '../auth/auth-context';
import { forbidden, notFound } from '../http/errors';
import { can } from '@castio/shared/rbac';

export interface MeetingRef {
  id: string;
  org_id: string;
  title: string;
  meeting_type: string;
  created_by: string;
}

/** The caller's org's meeting, or 404 (another org's id looks exactly like a missing one). */
export async function meetingInOrg(db: D1Database, auth: AuthContext, meetingId: string): Promise<MeetingRef> {
  const meeting = await db
    .prepare('SELECT id, org_id, title, meeting_type, created_by FROM meetings WHERE id = ? AND org_id = ?')
    .bind(meetingId, auth.orgId)
    .first<MeetingRef>();
  if (!meeting) throw notFound('The meeting');
  return meeting;
}

/** Seed §8.8: hosts and admins see the full session analytics; members see content only. */
export const seesSessionAnalytics = (auth: AuthContext) => can(auth.role, 'analytics.view.own');

/** Owners/admins manage any meeting; hosts only those they created. */
export function assertManagesMeeting(auth: AuthContext, meeting: MeetingRef) {
  if (can(auth.role, 'meetings.manage.any')) return;
  if (can(auth.role, 'meetings.manage.own') && meeting.created_by === auth.userId) return;
  throw forbidden('Only the meeting’s host or an admin can do this.');
}
