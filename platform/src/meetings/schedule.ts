import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { findOrgById } from '../org/queries';
import { overrideOf } from './occurrences';
import { listOccurrencesBetween, listScheduledMeetingsBetween } from './queries';

const DAY_MS = 86_400_000;
/** The calendar view spans at most this much at once. */
export const MAX_SCHEDULE_DAYS = 92;

/**
 * GET /api/schedule: what is coming in [from, to), scheduled meetings and occurrences of series merged in time
 * order, as a calendar shows them.
 */
export async function upcomingSchedule(
  env: Env,
  auth: AuthContext,
  query: { from?: string | undefined; to?: string | undefined; mine?: boolean | undefined },
  now = Date.now(),
) {
  const from = query.from ? new Date(query.from).toISOString() : new Date(now).toISOString();
  const to = query.to ? new Date(query.to).toISOString() : new Date(Date.parse(from) + 30 * DAY_MS).toISOString();
  if (to <= from) throw new ApiError('invalid_range', '`to` must be after `from`.');
  if (Date.parse(to) - Date.parse(from) > MAX_SCHEDULE_DAYS * DAY_MS)
    throw new ApiError('range_too_long', `Ask for at most ${MAX_SCHEDULE_DAYS} days at a time.`);
  const creator = query.mine ? auth.userId : null;
  const [single, occurrences, org] = await Promise.all([
    listScheduledMeetingsBetween(env.DB, auth.orgId, from, to, creator),
    listOccurrencesBetween(env.DB, auth.orgId, from, to, creator),
    findOrgById(env.DB, auth.orgId),
  ]);
  const joinPath = (slug: string) => `/${org?.slug ?? ''}/m/${slug}`;
  const items = [
    ...single.map((meeting) => ({
      meetingId: meeting.id,
      occurrenceId: null,
      title: meeting.title,
      meetingType: meeting.meeting_type,
      start: meeting.scheduled_start!,
      end: meeting.scheduled_end,
      status: meeting.status,
      joinPath: joinPath(meeting.slug),
    })),
    ...occurrences.map((occurrence) => ({
      meetingId: occurrence.meeting_id,
      occurrenceId: occurrence.id,
      title: overrideOf(occurrence).title ?? occurrence.meeting_title,
      meetingType: occurrence.meeting_type,
      start: occurrence.occurrence_date,
      end: occurrence.occurrence_end,
      status: occurrence.status,
      joinPath: joinPath(occurrence.slug),
    })),
  ].sort((a, b) => a.start.localeCompare(b.start));
  return { from, to, items };
}
