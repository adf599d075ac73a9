import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { findOrgById } from '../org/queries';
import type { OccurrenceRow } from './occurrences';
import { overrideOf } from './occurrences';
import type { MeetingRow } from './queries';

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
    env.DB.prepare(
      `SELECT * FROM meetings WHERE org_id = ?1 AND scheduling_type = 'scheduled' AND status IN ('scheduled', 'active')
         AND scheduled_start >= ?2 AND scheduled_start < ?3 AND (?4 IS NULL OR created_by = ?4)
       ORDER BY scheduled_start LIMIT 500`,
    )
      .bind(auth.orgId, from, to, creator)
      .all<MeetingRow>(),
    env.DB.prepare(
      `SELECT o.*, m.title AS meeting_title, m.meeting_type, m.slug, m.vanity_slug FROM meeting_occurrences o
       JOIN meetings m ON m.id = o.meeting_id
       WHERE o.org_id = ?1 AND o.status IN ('scheduled', 'active') AND o.occurrence_date >= ?2 AND o.occurrence_date < ?3
         AND m.status = 'scheduled' AND (?4 IS NULL OR m.created_by = ?4)
       ORDER BY o.occurrence_date LIMIT 500`,
    )
      .bind(auth.orgId, from, to, creator)
      .all<OccurrenceRow & Pick<MeetingRow, 'meeting_type' | 'slug'> & { meeting_title: string }>(),
    findOrgById(env.DB, auth.orgId),
  ]);
  const joinPath = (slug: string) => `/${org?.slug ?? ''}/m/${slug}`;
  const items = [
    ...single.results.map((meeting) => ({
      meetingId: meeting.id,
      occurrenceId: null,
      title: meeting.title,
      meetingType: meeting.meeting_type,
      start: meeting.scheduled_start!,
      end: meeting.scheduled_end,
      status: meeting.status,
      joinPath: joinPath(meeting.slug),
    })),
    ...occurrences.results.map((occurrence) => ({
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
