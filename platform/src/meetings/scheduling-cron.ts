import type { Env } from '../env';
import { getOrgSettings } from '../org/settings-service';
import { revokeIdleGuests } from './guest-join';
import { activateMeeting, activateOccurrence, endMeeting } from './lifecycle';
import { materialiseOccurrences, type OccurrenceRow, overrideOf } from './occurrences';
import type { MeetingRow, RecurringPatternRow } from './queries';

/** The cron runs every 5 minutes, so meetings due before the next run are activated in this one. */
export const ACTIVATION_LEAD_MINUTES = 5;
const BATCH = 50;

/**
 * One failing meeting (RTK down, the org at its cap) must not stop the rest; it stays as it was in D1 and
 * the next run tries again.
 */
async function eachSafely<T>(items: T[], work: (item: T) => Promise<unknown>) {
  let done = 0;
  for (const item of items) {
    try {
      await work(item);
      done++;
    } catch (error) {
      console.warn(JSON.stringify({ level: 'warn', msg: 'scheduling step failed', name: (error as Error)?.name }));
    }
  }
  return done;
}

export async function activateDueMeetings(env: Env, now = Date.now()) {
  const lead = new Date(now + ACTIVATION_LEAD_MINUTES * 60_000).toISOString();
  const { results } = await env.DB.prepare(
    `SELECT * FROM meetings WHERE status = 'scheduled' AND scheduling_type = 'scheduled' AND scheduled_start <= ?
     ORDER BY scheduled_start LIMIT ?`,
  )
    .bind(lead, BATCH)
    .all<MeetingRow>();
  return eachSafely(results, async (meeting) => {
    const settings = await getOrgSettings(env, meeting.org_id);
    await activateMeeting(env, meeting, 'activate', settings.maxConcurrentMeetings, now);
  });
}

export async function activateDueOccurrences(env: Env, now = Date.now()) {
  const lead = new Date(now + ACTIVATION_LEAD_MINUTES * 60_000).toISOString();
  const { results } = await env.DB.prepare(
    `SELECT o.* FROM meeting_occurrences o JOIN meetings m ON m.id = o.meeting_id
     WHERE o.status = 'scheduled' AND o.occurrence_date <= ? AND COALESCE(o.occurrence_end, o.occurrence_date) > ?
       AND m.status = 'scheduled'
     ORDER BY o.occurrence_date LIMIT ?`,
  )
    .bind(lead, new Date(now).toISOString(), BATCH)
    .all<OccurrenceRow>();
  return eachSafely(results, async (occurrence) => {
    const meeting = (await env.DB.prepare('SELECT * FROM meetings WHERE id = ?')
      .bind(occurrence.meeting_id)
      .first<MeetingRow>())!;
    const settings = await getOrgSettings(env, meeting.org_id);
    const title = overrideOf(occurrence).title ?? meeting.title;
    await activateOccurrence(env, meeting, occurrence, title, settings.maxConcurrentMeetings, now);
  });
}

/** Keeps every live series materialised four weeks ahead; a day of slack avoids rewriting every run. */
export async function materialiseHorizon(env: Env, now = Date.now()) {
  const refreshBefore = new Date(now + 27 * 86_400_000).toISOString();
  const { results } = await env.DB.prepare(
    `SELECT p.* FROM recurring_patterns p JOIN meetings m ON m.id = p.meeting_id
     WHERE m.status = 'scheduled' AND (p.materialized_until IS NULL OR p.materialized_until < ?) LIMIT ?`,
  )
    .bind(refreshBefore, BATCH)
    .all<RecurringPatternRow & { org_id: string }>();
  return eachSafely(results, (pattern) => materialiseOccurrences(env.DB, pattern, now));
}

/**
 * Meetings past the org's maximum duration are ended (§6.8), as a host would; occurrences whose time passed
 * with nobody joining are closed, and a series with nothing left to come ends.
 */
export async function endOverdueMeetings(env: Env, now = Date.now()) {
  const nowIso = new Date(now).toISOString();
  const { results: overlong } = await env.DB.prepare(
    `SELECT m.* FROM meetings m JOIN org_settings s ON s.org_id = m.org_id
     WHERE m.status = 'active' AND m.scheduling_type IN ('instant', 'scheduled') AND m.actual_start IS NOT NULL
       AND datetime(m.actual_start, '+' || s.max_meeting_duration_minutes || ' minutes') < datetime(?) LIMIT ?`,
  )
    .bind(nowIso, BATCH)
    .all<MeetingRow>();
  const { results: overlongOccurrences } = await env.DB.prepare(
    `SELECT o.* FROM meeting_occurrences o JOIN org_settings s ON s.org_id = o.org_id
     WHERE o.status = 'active' AND o.actual_start IS NOT NULL
       AND datetime(o.actual_start, '+' || s.max_meeting_duration_minutes || ' minutes') < datetime(?) LIMIT ?`,
  )
    .bind(nowIso, BATCH)
    .all<OccurrenceRow>();
  const ended =
    (await eachSafely(overlong, (meeting) => endMeeting(env, meeting, null))) +
    (await eachSafely(overlongOccurrences, async (occurrence) => {
      const meeting = (await env.DB.prepare('SELECT * FROM meetings WHERE id = ?')
        .bind(occurrence.meeting_id)
        .first<MeetingRow>())!;
      await endMeeting(env, meeting, occurrence);
    }));
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE meeting_occurrences SET status = 'ended'
       WHERE status = 'scheduled' AND rtk_meeting_id IS NULL AND COALESCE(occurrence_end, occurrence_date) < ?`,
    ).bind(nowIso),
    env.DB.prepare(
      `UPDATE meetings SET status = 'ended', actual_end = COALESCE(actual_end, ?1), updated_at = ?1
       WHERE scheduling_type = 'recurring' AND status = 'scheduled'
         AND NOT EXISTS (SELECT 1 FROM meeting_occurrences o WHERE o.meeting_id = meetings.id
                         AND o.status IN ('scheduled', 'active'))
         AND EXISTS (SELECT 1 FROM recurring_patterns p WHERE p.meeting_id = meetings.id
                     AND (p.until_date IS NOT NULL OR p.occurrence_count IS NOT NULL) AND p.materialized_until >= COALESCE(p.until_date, ?1))`,
    ).bind(nowIso),
  ]);
  return ended;
}

/** The scheduling jobs of the 5-minute cron (§6.4), in the order that lets one run finish what it started. */
export const SCHEDULING_JOBS = {
  'materialise-occurrences': materialiseHorizon,
  'activate-meetings': activateDueMeetings,
  'activate-occurrences': activateDueOccurrences,
  'end-overdue-meetings': endOverdueMeetings,
  'revoke-idle-guests': revokeIdleGuests,
} as const satisfies Record<string, (env: Env, now?: number) => Promise<number>>;
