import {
  advanceMaterialisedStatement,
  insertOccurrenceStatement,
  type MeetingRow,
  type OccurrenceRow,
  type RecurringPatternRow,
} from './queries';
import { expandOccurrences, materialisationWindow, parseRecurrence, type RecurrenceRule } from './recurrence';

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
    insertOccurrenceStatement(db, {
      orgId: pattern.org_id,
      meetingId: pattern.meeting_id,
      patternId: pattern.id,
      start: occurrence.start,
      end: occurrence.end,
    }),
  );
  statements.push(advanceMaterialisedStatement(db, pattern.id, window.to));
  const results = await db.batch(statements);
  return results.slice(0, -1).reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
}
