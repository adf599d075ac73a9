import { newId } from '@castio/shared/ids';
import { expandOccurrences, materialisationWindow, parseRecurrence, type RecurrenceRule } from './recurrence';
import type { MeetingRow, RecurringPatternRow } from './queries';

/** One materialised occurrence of a recurring series (§6.2); each gets its own RTK meeting at activation. */
export interface OccurrenceRow {
  id: string;
  org_id: string;
  meeting_id: string;
  pattern_id: string;
  occurrence_date: string;
  occurrence_end: string | null;
  status: 'scheduled' | 'active' | 'ended' | 'cancelled';
  rtk_meeting_id: string | null;
  actual_start: string | null;
  actual_end: string | null;
  override_json: string | null;
  created_at: string;
}

/** Per-occurrence changes; `originalKey` remembers where a moved occurrence came from. */
export interface OccurrenceOverride {
  title?: string;
  description?: string | null;
  originalKey?: string;
}

export const ruleOfPattern = (pattern: RecurringPatternRow): RecurrenceRule =>
  parseRecurrence({
    rrule: pattern.rrule,
    dtstart: pattern.dtstart,
    timezone: pattern.timezone,
    durationMinutes: pattern.duration_minutes,
  });

export const overrideOf = (row: OccurrenceRow): OccurrenceOverride =>
  row.override_json ? (JSON.parse(row.override_json) as OccurrenceOverride) : {};

export function toOccurrence(row: OccurrenceRow, meeting: MeetingRow) {
  const override = overrideOf(row);
  return {
    id: row.id,
    meetingId: row.meeting_id,
    start: row.occurrence_date,
    end: row.occurrence_end,
    status: row.status,
    title: override.title ?? meeting.title,
    description: override.description === undefined ? meeting.description : override.description,
    actualStart: row.actual_start,
    actualEnd: row.actual_end,
  };
}

/**
 * Writes the series' occurrences up to `weeksAhead` from `now` (INSERT OR IGNORE on (meeting, start), so
 * overlapping cron runs and repeated calls add nothing twice) and records how far the series is materialised.
 */
export async function materialiseOccurrences(
  db: D1Database,
  pattern: RecurringPatternRow & { org_id: string },
  now: number,
  weeksAhead = 4,
): Promise<number> {
  const window = materialisationWindow(new Date(now), weeksAhead);
  const from =
    pattern.materialized_until && pattern.materialized_until > window.from ? pattern.materialized_until : window.from;
  const exceptions = JSON.parse(pattern.exceptions) as string[];
  const occurrences = expandOccurrences(ruleOfPattern(pattern), { from, to: window.to, exceptions });
  const statements = occurrences.map((occurrence) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO meeting_occurrences (id, org_id, meeting_id, pattern_id, occurrence_date, occurrence_end)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .bind(newId(), pattern.org_id, pattern.meeting_id, pattern.id, occurrence.start, occurrence.end),
  );
  statements.push(
    db
      .prepare(
        'UPDATE recurring_patterns SET materialized_until = MAX(COALESCE(materialized_until, ?1), ?1) WHERE id = ?2',
      )
      .bind(window.to, pattern.id),
  );
  const results = await db.batch(statements);
  return results.slice(0, -1).reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
}

export const findOccurrence = (db: D1Database, meetingId: string, occurrenceId: string) =>
  db
    .prepare('SELECT * FROM meeting_occurrences WHERE meeting_id = ? AND id = ?')
    .bind(meetingId, occurrenceId)
    .first<OccurrenceRow>();

export async function listOccurrences(db: D1Database, meetingId: string, from: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT * FROM meeting_occurrences WHERE meeting_id = ? AND COALESCE(occurrence_end, occurrence_date) >= ?
       ORDER BY occurrence_date LIMIT ?`,
    )
    .bind(meetingId, from, limit)
    .all<OccurrenceRow>();
  return results;
}

/**
 * The occurrence a join lands in: the one running now, else the next one starting within `earlyMinutes`
 * (or already started and not over). Null when nothing is on.
 */
export async function currentOccurrence(db: D1Database, meetingId: string, now: number, earlyMinutes: number) {
  const nowIso = new Date(now).toISOString();
  const soon = new Date(now + earlyMinutes * 60_000).toISOString();
  return db
    .prepare(
      `SELECT * FROM meeting_occurrences WHERE meeting_id = ?1 AND (status = 'active'
         OR (status = 'scheduled' AND occurrence_date <= ?2 AND COALESCE(occurrence_end, occurrence_date) > ?3))
       ORDER BY status = 'active' DESC, occurrence_date LIMIT 1`,
    )
    .bind(meetingId, soon, nowIso)
    .first<OccurrenceRow>();
}

export const nextScheduledOccurrence = (db: D1Database, meetingId: string, now: number) =>
  db
    .prepare(
      `SELECT * FROM meeting_occurrences WHERE meeting_id = ? AND status = 'scheduled' AND occurrence_date > ?
       ORDER BY occurrence_date LIMIT 1`,
    )
    .bind(meetingId, new Date(now).toISOString())
    .first<OccurrenceRow>();
