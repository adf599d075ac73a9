import { newId } from '@castio/shared/ids';
import { inList, likePattern, NOW_SQL, ROOM_OF_INSTANCE, SqlClauses } from '../database/sql';
import type { RecordingStatus } from './host-control-schemas';
import type { Meeting, MeetingListQuery, MeetingStatus, MeetingType, SchedulingType } from './schemas';

export interface MeetingRow {
  id: string;
  org_id: string;
  rtk_meeting_id: string | null;
  title: string;
  slug: string;
  description: string | null;
  meeting_type: MeetingType;
  scheduling_type: SchedulingType;
  status: MeetingStatus;
  created_by: string;
  scheduled_start: string | null;
  scheduled_end: string | null;
  actual_start: string | null;
  actual_end: string | null;
  timezone: string;
  is_permanent: number;
  vanity_slug: string | null;
  room_state: 'active' | 'inactive';
  guest_access: Meeting['guestAccess'];
  waiting_room_enabled: number;
  recording_auto_start: number;
  transcription_enabled: number;
  ai_summaries_enabled: number;
  chat_enabled: number;
  polls_enabled: number;
  livestream_enabled: number;
  max_participants: number;
  max_guests: number | null;
  is_locked: number;
  created_at: string;
  updated_at: string;
}

export interface RecurringPatternRow {
  id: string;
  meeting_id: string;
  rrule: string;
  dtstart: string;
  timezone: string;
  duration_minutes: number;
  exceptions: string;
  materialized_until: string | null;
}

/** Settings columns that the API shows as booleans. */
const BOOLEAN_SETTINGS = {
  waitingRoomEnabled: 'waiting_room_enabled',
  recordingAutoStart: 'recording_auto_start',
  transcriptionEnabled: 'transcription_enabled',
  aiSummariesEnabled: 'ai_summaries_enabled',
  chatEnabled: 'chat_enabled',
  pollsEnabled: 'polls_enabled',
  livestreamEnabled: 'livestream_enabled',
} as const;

/** API field → column for everything a PATCH may change. */
export const PATCHABLE_COLUMNS = {
  title: 'title',
  description: 'description',
  scheduledStart: 'scheduled_start',
  scheduledEnd: 'scheduled_end',
  timezone: 'timezone',
  vanitySlug: 'vanity_slug',
  guestAccess: 'guest_access',
  maxParticipants: 'max_participants',
  maxGuests: 'max_guests',
  ...BOOLEAN_SETTINGS,
} as const;

export function toMeeting(row: MeetingRow, orgSlug: string, pattern: RecurringPatternRow | null): Meeting {
  const booleans = Object.fromEntries(
    Object.entries(BOOLEAN_SETTINGS).map(([field, column]) => [field, row[column] === 1]),
  ) as Record<keyof typeof BOOLEAN_SETTINGS, boolean>;
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    meetingType: row.meeting_type,
    schedulingType: row.scheduling_type,
    status: row.status,
    roomState: row.room_state,
    isLocked: row.is_locked === 1,
    createdBy: row.created_by,
    scheduledStart: row.scheduled_start,
    scheduledEnd: row.scheduled_end,
    actualStart: row.actual_start,
    actualEnd: row.actual_end,
    timezone: row.timezone,
    vanitySlug: row.vanity_slug,
    joinPath: `/${orgSlug}/m/${row.vanity_slug ?? row.slug}`,
    recurrence: pattern
      ? {
          rrule: pattern.rrule,
          dtstart: pattern.dtstart,
          timezone: pattern.timezone,
          durationMinutes: pattern.duration_minutes,
          exceptions: JSON.parse(pattern.exceptions) as string[],
        }
      : null,
    guestAccess: row.guest_access,
    maxParticipants: row.max_participants,
    maxGuests: row.max_guests,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...booleans,
  };
}

export const findMeeting = (db: D1Database, orgId: string, meetingId: string) =>
  db.prepare('SELECT * FROM meetings WHERE org_id = ? AND id = ?').bind(orgId, meetingId).first<MeetingRow>();

export const findMeetingBySlug = (db: D1Database, orgId: string, slug: string) =>
  db
    .prepare(
      'SELECT * FROM meetings WHERE org_id = ? AND (vanity_slug = ? OR slug = ?) ORDER BY vanity_slug IS NULL LIMIT 1',
    )
    .bind(orgId, slug, slug)
    .first<MeetingRow>();

export const findPattern = (db: D1Database, meetingId: string) =>
  db.prepare('SELECT * FROM recurring_patterns WHERE meeting_id = ?').bind(meetingId).first<RecurringPatternRow>();

export async function listMeetings(
  db: D1Database,
  orgId: string,
  query: MeetingListQuery & { createdBy?: string; search?: string },
): Promise<MeetingRow[]> {
  const where = new SqlClauses()
    .add('org_id = ?', orgId)
    .addIfDefined('status = ?', query.status)
    .addIfDefined('scheduling_type = ?', query.schedulingType)
    .addIfDefined('meeting_type = ?', query.meetingType)
    .addIfDefined('created_by = ?', query.createdBy)
    .addIfDefined('scheduled_start >= ?', query.from && new Date(query.from).toISOString())
    .addIfDefined('scheduled_start < ?', query.to && new Date(query.to).toISOString())
    .addIfDefined('id < ?', query.cursor);
  if (query.search) where.add("title LIKE ? ESCAPE '\\'", likePattern(query.search));
  const { results } = await db
    .prepare(`SELECT * FROM meetings WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`)
    .bind(...where.values, query.limit + 1)
    .all<MeetingRow>();
  return results;
}

export const patternsOf = async (db: D1Database, meetingIds: string[]) => {
  if (meetingIds.length === 0) return new Map<string, RecurringPatternRow>();
  const meetings = inList('meeting_id', meetingIds);
  const { results } = await db
    .prepare(`SELECT * FROM recurring_patterns WHERE ${meetings.sql}`)
    .bind(meetings.value)
    .all<RecurringPatternRow>();
  return new Map(results.map((pattern) => [pattern.meeting_id, pattern]));
};

export type NewMeetingRow = Omit<MeetingRow, 'created_at' | 'updated_at'>;

/** Meetings using a RealtimeKit room right now in an org: what `max_concurrent_meetings` caps (§6.8). */
export const ACTIVE_MEETINGS_OF_ORG = `(
  (SELECT COUNT(*) FROM meetings WHERE org_id = ?org AND status = 'active' AND scheduling_type != 'recurring'
     AND (is_permanent = 0 OR room_state = 'active'))
  + (SELECT COUNT(*) FROM meeting_occurrences WHERE org_id = ?org AND status = 'active'))`;

/** `?org` placeholders → positional, so one SQL fragment can be bound into any statement. */
export function bindOrg(sql: string, orgId: string): { sql: string; values: string[] } {
  const values: string[] = [];
  return {
    sql: sql.replace(/\?org/g, () => {
      values.push(orgId);
      return '?';
    }),
    values,
  };
}

/**
 * Inserts a meeting; with `maxActive`, only while the org runs fewer active meetings than that. D1 runs one
 * statement at a time per database, so the check and the insert cannot be split by a concurrent request.
 */
export function insertMeetingStatement(db: D1Database, row: NewMeetingRow, maxActive?: number) {
  const columns = Object.keys(row) as (keyof NewMeetingRow)[];
  const values = columns.map((column) => row[column]);
  const placeholders = columns.map(() => '?').join(', ');
  if (maxActive === undefined)
    return db.prepare(`INSERT INTO meetings (${columns.join(', ')}) VALUES (${placeholders})`).bind(...values);
  const active = bindOrg(ACTIVE_MEETINGS_OF_ORG, row.org_id);
  return db
    .prepare(`INSERT INTO meetings (${columns.join(', ')}) SELECT ${placeholders} WHERE ${active.sql} < ?`)
    .bind(...values, ...active.values, maxActive);
}

export const countActiveMeetings = async (db: D1Database, orgId: string) => {
  const active = bindOrg(ACTIVE_MEETINGS_OF_ORG, orgId);
  const row = await db
    .prepare(`SELECT ${active.sql} AS active`)
    .bind(...active.values)
    .first<{ active: number }>();
  return row?.active ?? 0;
};

/**
 * A meeting by id alone, whichever org it is in. The tenant comes from the meeting itself here, on purpose: guests
 * reach a meeting by a link without an account (guest-join.ts), the crons work across orgs (scheduling-cron.ts),
 * and the agents' internal route learns the org from the meeting before checking its token (agents/service.ts).
 */
export const findMeetingInAnyOrg = (db: D1Database, meetingId: string) =>
  db.prepare('SELECT * FROM meetings WHERE id = ?').bind(meetingId).first<MeetingRow>();

/** The PATCH of a meeting: API fields → columns (booleans as 0/1, times as ISO UTC), bound; names from PATCHABLE_COLUMNS. */
export function updateMeetingStatement(
  db: D1Database,
  orgId: string,
  meetingId: string,
  changes: [keyof typeof PATCHABLE_COLUMNS, unknown][],
) {
  const toColumnValue = (field: keyof typeof PATCHABLE_COLUMNS, value: unknown) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if ((field === 'scheduledStart' || field === 'scheduledEnd') && typeof value === 'string')
      return new Date(value).toISOString();
    return value ?? null;
  };
  const sets = changes.map(([field]) => `${PATCHABLE_COLUMNS[field]} = ?`);
  return db
    .prepare(`UPDATE meetings SET ${sets.join(', ')}, updated_at = ${NOW_SQL} WHERE id = ? AND org_id = ?`)
    .bind(...changes.map(([field, value]) => toColumnValue(field, value)), meetingId, orgId);
}

/** Removes the draft of an instant meeting RTK or the concurrency cap refused (it never existed for the caller). */
export const discardDraftMeetingStatement = (db: D1Database, meetingId: string) =>
  db.prepare("DELETE FROM meetings WHERE id = ? AND status = 'draft'").bind(meetingId);

export const setMeetingLockedStatement = (db: D1Database, orgId: string, meetingId: string, locked: boolean) =>
  db
    .prepare(`UPDATE meetings SET is_locked = ?, updated_at = ${NOW_SQL} WHERE id = ? AND org_id = ?`)
    .bind(locked ? 1 : 0, meetingId, orgId);

/** GET /api/schedule: the org's single scheduled meetings starting in [from, to); `createdBy` null for everyone's. */
export async function listScheduledMeetingsBetween(
  db: D1Database,
  orgId: string,
  from: string,
  to: string,
  createdBy: string | null,
) {
  const { results } = await db
    .prepare(
      `SELECT * FROM meetings WHERE org_id = ?1 AND scheduling_type = 'scheduled' AND status IN ('scheduled', 'active')
         AND scheduled_start >= ?2 AND scheduled_start < ?3 AND (?4 IS NULL OR created_by = ?4)
       ORDER BY scheduled_start LIMIT 500`,
    )
    .bind(orgId, from, to, createdBy)
    .all<MeetingRow>();
  return results;
}

// The lifecycle (lifecycle.ts): conditional updates, so a lost race or the concurrency cap changes nothing.

/** draft/scheduled → active with its RTK room, only from `fromStatus` and while the org is under `maxActive`. */
export function activateMeetingStatement(
  db: D1Database,
  meeting: Pick<MeetingRow, 'id' | 'org_id'>,
  change: { fromStatus: MeetingStatus; rtkMeetingId: string; startedAt: string; maxActive: number },
) {
  const active = bindOrg(ACTIVE_MEETINGS_OF_ORG, meeting.org_id);
  return db
    .prepare(
      `UPDATE meetings SET status = 'active', rtk_meeting_id = ?, actual_start = COALESCE(actual_start, ?),
         updated_at = ${NOW_SQL}
       WHERE id = ? AND org_id = ? AND status = ? AND rtk_meeting_id IS NULL AND ${active.sql} < ?`,
    )
    .bind(
      change.rtkMeetingId,
      change.startedAt,
      meeting.id,
      meeting.org_id,
      change.fromStatus,
      ...active.values,
      change.maxActive,
    );
}

/** A permanent room comes alive: claimed in D1 under the concurrency cap before RTK is told. */
export function claimPermanentRoomStatement(
  db: D1Database,
  meeting: Pick<MeetingRow, 'id' | 'org_id'>,
  maxActive: number,
) {
  const active = bindOrg(ACTIVE_MEETINGS_OF_ORG, meeting.org_id);
  return db
    .prepare(
      `UPDATE meetings SET room_state = 'active', actual_end = NULL, actual_start = COALESCE(actual_start, ${NOW_SQL}),
         updated_at = ${NOW_SQL}
       WHERE id = ? AND org_id = ? AND room_state = 'inactive' AND ${active.sql} < ?`,
    )
    .bind(meeting.id, meeting.org_id, ...active.values, maxActive);
}

/** Gives the claim back when RTK refused to open the room. */
export const releasePermanentRoomStatement = (db: D1Database, meetingId: string) =>
  db.prepare(`UPDATE meetings SET room_state = 'inactive', updated_at = ${NOW_SQL} WHERE id = ?`).bind(meetingId);

/** A host closes a permanent room: it stays joinable, its lock belongs to the session that ended. */
export const closePermanentRoomStatement = (db: D1Database, meetingId: string) =>
  db
    .prepare(
      `UPDATE meetings SET room_state = 'inactive', is_locked = 0, actual_end = ${NOW_SQL}, updated_at = ${NOW_SQL} WHERE id = ?`,
    )
    .bind(meetingId);

export const endMeetingStatement = (db: D1Database, meetingId: string) =>
  db
    .prepare(
      `UPDATE meetings SET status = 'ended', room_state = 'inactive', actual_end = ${NOW_SQL}, updated_at = ${NOW_SQL}
       WHERE id = ? AND status = 'active'`,
    )
    .bind(meetingId);

export const cancelMeetingStatement = (db: D1Database, meetingId: string, fromStatus: MeetingStatus) =>
  db
    .prepare(
      `UPDATE meetings SET status = 'cancelled', room_state = 'inactive', updated_at = ${NOW_SQL}
       WHERE id = ? AND status = ?`,
    )
    .bind(meetingId, fromStatus);

// Scheduling (scheduling-cron.ts): every org's due work, a batch at a time.

export async function listDueMeetings(db: D1Database, startsBefore: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT * FROM meetings WHERE status = 'scheduled' AND scheduling_type = 'scheduled' AND scheduled_start <= ?
       ORDER BY scheduled_start LIMIT ?`,
    )
    .bind(startsBefore, limit)
    .all<MeetingRow>();
  return results;
}

/** `alias` (a meeting or occurrence, joined to its org's settings as `s`) started longer ago than the org allows. */
const ranPastMaxDuration = (alias: 'm' | 'o') =>
  `datetime(${alias}.actual_start, '+' || s.max_meeting_duration_minutes || ' minutes') < datetime(?)`;

/** Active one-off meetings past their org's `max_meeting_duration_minutes`. */
export async function listOverlongMeetings(db: D1Database, now: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT m.* FROM meetings m JOIN org_settings s ON s.org_id = m.org_id
       WHERE m.status = 'active' AND m.scheduling_type IN ('instant', 'scheduled') AND m.actual_start IS NOT NULL
         AND ${ranPastMaxDuration('m')} LIMIT ?`,
    )
    .bind(now, limit)
    .all<MeetingRow>();
  return results;
}

/** A series with a last occurrence (UNTIL or COUNT) that is materialised and has nothing coming ends. */
export const endFinishedSeriesStatement = (db: D1Database, now: string) =>
  db
    .prepare(
      `UPDATE meetings SET status = 'ended', actual_end = COALESCE(actual_end, ?1), updated_at = ?1
       WHERE scheduling_type = 'recurring' AND status = 'scheduled'
         AND NOT EXISTS (SELECT 1 FROM meeting_occurrences o WHERE o.meeting_id = meetings.id
                         AND o.status IN ('scheduled', 'active'))
         AND EXISTS (SELECT 1 FROM recurring_patterns p WHERE p.meeting_id = meetings.id
                     AND (p.until_date IS NOT NULL OR p.occurrence_count IS NOT NULL) AND p.materialized_until >= COALESCE(p.until_date, ?1))`,
    )
    .bind(now);

// Recurring patterns: the series' rule, its exceptions and how far it is materialised.

export type NewPatternRow = RecurringPatternRow & {
  org_id: string;
  until_date: string | null;
  occurrence_count: number | null;
};

export const insertPatternStatement = (db: D1Database, pattern: NewPatternRow) =>
  db
    .prepare(
      `INSERT INTO recurring_patterns (id, org_id, meeting_id, rrule, dtstart, timezone, duration_minutes, until_date,
         occurrence_count, exceptions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      pattern.id,
      pattern.org_id,
      pattern.meeting_id,
      pattern.rrule,
      pattern.dtstart,
      pattern.timezone,
      pattern.duration_minutes,
      pattern.until_date,
      pattern.occurrence_count,
      pattern.exceptions,
    );

/** The series' cancelled or moved-away occurrence keys (EXDATEs), as given. */
export const setPatternExceptionsStatement = (db: D1Database, patternId: string, exceptions: readonly string[]) =>
  db.prepare('UPDATE recurring_patterns SET exceptions = ? WHERE id = ?').bind(JSON.stringify(exceptions), patternId);

/** Records how far the series is materialised; never moves back (overlapping runs). */
export const advanceMaterialisedStatement = (db: D1Database, patternId: string, until: string) =>
  db
    .prepare(
      'UPDATE recurring_patterns SET materialized_until = MAX(COALESCE(materialized_until, ?1), ?1) WHERE id = ?2',
    )
    .bind(until, patternId);

/** Series of live meetings whose occurrences reach less far than `before`. */
export async function listPatternsToMaterialise(db: D1Database, before: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT p.* FROM recurring_patterns p JOIN meetings m ON m.id = p.meeting_id
       WHERE m.status = 'scheduled' AND (p.materialized_until IS NULL OR p.materialized_until < ?) LIMIT ?`,
    )
    .bind(before, limit)
    .all<RecurringPatternRow & { org_id: string }>();
  return results;
}

// Occurrences of a series (occurrences.ts, series-service.ts).

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

/** INSERT OR IGNORE on (meeting, start): overlapping cron runs and repeated calls add nothing twice. */
export const insertOccurrenceStatement = (
  db: D1Database,
  occurrence: { orgId: string; meetingId: string; patternId: string; start: string; end: string | null },
) =>
  db
    .prepare(
      `INSERT OR IGNORE INTO meeting_occurrences (id, org_id, meeting_id, pattern_id, occurrence_date, occurrence_end)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .bind(newId(), occurrence.orgId, occurrence.meetingId, occurrence.patternId, occurrence.start, occurrence.end);

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

export async function listRunningOccurrences(db: D1Database, meetingId: string) {
  const { results } = await db
    .prepare(
      "SELECT * FROM meeting_occurrences WHERE meeting_id = ? AND status = 'active' AND rtk_meeting_id IS NOT NULL",
    )
    .bind(meetingId)
    .all<OccurrenceRow>();
  return results;
}

/** GET /api/schedule: the org's coming occurrences in [from, to) of live series, with their meeting's names. */
export async function listOccurrencesBetween(
  db: D1Database,
  orgId: string,
  from: string,
  to: string,
  createdBy: string | null,
) {
  const { results } = await db
    .prepare(
      `SELECT o.*, m.title AS meeting_title, m.meeting_type, m.slug, m.vanity_slug FROM meeting_occurrences o
       JOIN meetings m ON m.id = o.meeting_id
       WHERE o.org_id = ?1 AND o.status IN ('scheduled', 'active') AND o.occurrence_date >= ?2 AND o.occurrence_date < ?3
         AND m.status = 'scheduled' AND (?4 IS NULL OR m.created_by = ?4)
       ORDER BY o.occurrence_date LIMIT 500`,
    )
    .bind(orgId, from, to, createdBy)
    .all<OccurrenceRow & Pick<MeetingRow, 'meeting_type' | 'slug' | 'vanity_slug'> & { meeting_title: string }>();
  return results;
}

/** A scheduled occurrence → active with its own RTK room, while the org is under `maxActive`. */
export function activateOccurrenceStatement(
  db: D1Database,
  orgId: string,
  occurrenceId: string,
  change: { rtkMeetingId: string; startedAt: string; maxActive: number },
) {
  const active = bindOrg(ACTIVE_MEETINGS_OF_ORG, orgId);
  return db
    .prepare(
      `UPDATE meeting_occurrences SET status = 'active', rtk_meeting_id = ?, actual_start = COALESCE(actual_start, ?)
       WHERE id = ? AND status = 'scheduled' AND rtk_meeting_id IS NULL AND ${active.sql} < ?`,
    )
    .bind(change.rtkMeetingId, change.startedAt, occurrenceId, ...active.values, change.maxActive);
}

export const endOccurrenceStatement = (db: D1Database, occurrenceId: string) =>
  db
    .prepare(
      `UPDATE meeting_occurrences SET status = 'ended', actual_end = ${NOW_SQL} WHERE id = ? AND status = 'active'`,
    )
    .bind(occurrenceId);

export const cancelOccurrenceStatement = (db: D1Database, occurrenceId: string) =>
  db.prepare("UPDATE meeting_occurrences SET status = 'cancelled' WHERE id = ?").bind(occurrenceId);

/** A cancelled series takes its coming and running occurrences with it. */
export const cancelComingOccurrencesStatement = (db: D1Database, meetingId: string) =>
  db
    .prepare(
      `UPDATE meeting_occurrences SET status = 'cancelled' WHERE meeting_id = ? AND status IN ('scheduled', 'active')`,
    )
    .bind(meetingId);

/** Per-occurrence overrides (title, description, `originalKey`) and a moved time. */
export const updateOccurrenceStatement = (
  db: D1Database,
  occurrenceId: string,
  change: { start: string; end: string | null; override: object },
) =>
  db
    .prepare('UPDATE meeting_occurrences SET occurrence_date = ?, occurrence_end = ?, override_json = ? WHERE id = ?')
    .bind(change.start, change.end, JSON.stringify(change.override), occurrenceId);

export async function listDueOccurrences(db: D1Database, startsBefore: string, now: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT o.* FROM meeting_occurrences o JOIN meetings m ON m.id = o.meeting_id
       WHERE o.status = 'scheduled' AND o.occurrence_date <= ? AND COALESCE(o.occurrence_end, o.occurrence_date) > ?
         AND m.status = 'scheduled'
       ORDER BY o.occurrence_date LIMIT ?`,
    )
    .bind(startsBefore, now, limit)
    .all<OccurrenceRow>();
  return results;
}

/** Active occurrences past their org's `max_meeting_duration_minutes`. */
export async function listOverlongOccurrences(db: D1Database, now: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT o.* FROM meeting_occurrences o JOIN org_settings s ON s.org_id = o.org_id
       WHERE o.status = 'active' AND o.actual_start IS NOT NULL
         AND ${ranPastMaxDuration('o')} LIMIT ?`,
    )
    .bind(now, limit)
    .all<OccurrenceRow>();
  return results;
}

/** Occurrences whose time passed without anybody opening their room are over. */
export const closeMissedOccurrencesStatement = (db: D1Database, now: string) =>
  db
    .prepare(
      `UPDATE meeting_occurrences SET status = 'ended'
       WHERE status = 'scheduled' AND rtk_meeting_id IS NULL AND COALESCE(occurrence_end, occurrence_date) < ?`,
    )
    .bind(now);

// Meeting invitations (invites.ts, access.ts).

export interface MeetingInviteRow {
  id: string;
  user_id: string | null;
  email: string | null;
  rsvp_status: 'pending' | 'accepted' | 'declined' | 'tentative';
  created_at: string;
}

export async function findInvitesOfMeeting(db: D1Database, meetingId: string) {
  const { results } = await db
    .prepare('SELECT id, user_id, email, rsvp_status, created_at FROM meeting_invites WHERE meeting_id = ? ORDER BY id')
    .bind(meetingId)
    .all<MeetingInviteRow>();
  return results;
}

/** Inviting someone twice changes nothing (unique per meeting and user, or meeting and e-mail). */
export const insertMeetingInviteStatement = (
  db: D1Database,
  invite: { orgId: string; meetingId: string; userId: string | null; email: string | null },
) =>
  db
    .prepare('INSERT OR IGNORE INTO meeting_invites (id, org_id, meeting_id, user_id, email) VALUES (?, ?, ?, ?, ?)')
    .bind(newId(), invite.orgId, invite.meetingId, invite.userId, invite.email);

/** The person's answer, on their invitation by account or by (lower-cased) e-mail; false when they have none. */
export async function answerMeetingInvite(
  db: D1Database,
  meetingId: string,
  invitee: { userId: string; email: string },
  rsvpStatus: MeetingInviteRow['rsvp_status'],
) {
  const result = await db
    .prepare(
      `UPDATE meeting_invites SET rsvp_status = ?, updated_at = ${NOW_SQL}
       WHERE meeting_id = ? AND (user_id = ? OR email = ?)`,
    )
    .bind(rsvpStatus, meetingId, invitee.userId, invitee.email)
    .run();
  return result.meta.changes > 0;
}

export const findInviteOfInvitee = (db: D1Database, meetingId: string, invitee: { userId: string; email: string }) =>
  db
    .prepare(
      'SELECT id, user_id, email, rsvp_status, created_at FROM meeting_invites WHERE meeting_id = ? AND (user_id = ? OR email = ?) LIMIT 1',
    )
    .bind(meetingId, invitee.userId, invitee.email)
    .first<MeetingInviteRow>();

/** How many invitations the meeting has, and how many of them name this person (by account or e-mail). */
export const countInvites = (db: D1Database, meetingId: string, invitee: { userId: string; email: string }) =>
  db
    .prepare(
      'SELECT COUNT(*) AS invites, SUM(user_id = ?2 OR email = ?3) AS mine FROM meeting_invites WHERE meeting_id = ?1',
    )
    .bind(meetingId, invitee.userId, invitee.email)
    .first<{ invites: number; mine: number | null }>();

// Seats: the capacity caps of §6.8 counted in participant_events.

/**
 * A `joined` participant event is a seat; a later `left`, `kicked` or `rejected` event of the same person frees
 * it, and so does the end of the room's session. The check and the insert are one statement, and D1 runs one
 * statement at a time per database, so concurrent joins can never take more seats than the cap.
 */
export interface SeatHolder {
  orgId: string;
  meetingId: string;
  occurrenceId: string | null;
  userId: string | null;
  guestTokenId: string | null;
}

export interface SeatRequest extends SeatHolder {
  presetName: string;
  maxParticipants: number;
  /** Set for guests: the most guest seats the meeting allows. */
  maxGuests?: number;
}

/** Seats of one meeting instance since its last session ended (?1 meeting, ?2 occurrence). */
const OPEN_SEATS = `
  SELECT j.user_id, j.guest_token_id FROM participant_events j
  WHERE j.meeting_id = ?1 AND j.occurrence_id IS ?2 AND j.event_type = 'joined'
    AND j.created_at > MAX(
      COALESCE((SELECT MAX(s.ended_at) FROM sessions s
                WHERE s.meeting_id = ?1 AND s.occurrence_id IS ?2 AND s.status = 'ended'), ''),
      COALESCE((SELECT CASE WHEN ?2 IS NULL THEN m.actual_end ELSE o.actual_end END
                FROM meetings m LEFT JOIN meeting_occurrences o ON o.id = ?2 WHERE m.id = ?1), ''))
    AND NOT EXISTS (
      SELECT 1 FROM participant_events l
      WHERE l.meeting_id = ?1 AND l.occurrence_id IS ?2 AND l.event_type IN ('left', 'kicked', 'rejected')
        AND l.created_at >= j.created_at AND l.user_id IS j.user_id AND l.guest_token_id IS j.guest_token_id)`;

/**
 * Takes a seat for the person unless the meeting (or, for guests, its guest share) is full; someone who already
 * holds a seat (a second tab, a reconnect) gets another `joined` row without needing a free one.
 * Returns the event id, or null when the cap is reached.
 */
export async function reserveSeat(db: D1Database, request: SeatRequest): Promise<string | null> {
  const id = newId();
  const guestCap = request.maxGuests ?? Number.MAX_SAFE_INTEGER;
  const result = await db
    .prepare(
      `WITH open_seats AS (${OPEN_SEATS})
       INSERT INTO participant_events
         (id, org_id, meeting_id, occurrence_id, user_id, guest_token_id, event_type, preset_to, created_at)
       SELECT ?3, ?4, ?1, ?2, ?5, ?6, 'joined', ?7, ${NOW_SQL}
       WHERE EXISTS (SELECT 1 FROM open_seats WHERE user_id IS ?5 AND guest_token_id IS ?6)
          OR ((SELECT COUNT(*) FROM (SELECT DISTINCT user_id, guest_token_id FROM open_seats)) < ?8
              AND (?6 IS NULL OR (SELECT COUNT(DISTINCT guest_token_id) FROM open_seats) < ?9))`,
    )
    .bind(
      request.meetingId,
      request.occurrenceId,
      id,
      request.orgId,
      request.userId,
      request.guestTokenId,
      request.presetName,
      request.maxParticipants,
      guestCap,
    )
    .run();
  return result.meta.changes === 1 ? id : null;
}

/** Records which RTK participant a seat became. */
export const attachParticipantStatement = (db: D1Database, seatId: string, rtkParticipantId: string) =>
  db.prepare('UPDATE participant_events SET rtk_participant_id = ? WHERE id = ?').bind(rtkParticipantId, seatId);

/** Frees the person's seat (left, kicked by a host, or rejected from the waiting room). */
export function releaseSeatStatement(
  db: D1Database,
  holder: SeatHolder,
  eventType: 'left' | 'kicked' | 'rejected',
  performedBy: string | null = null,
) {
  return db
    .prepare(
      `INSERT INTO participant_events
         (id, org_id, meeting_id, occurrence_id, user_id, guest_token_id, event_type, performed_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${NOW_SQL})`,
    )
    .bind(
      newId(),
      holder.orgId,
      holder.meetingId,
      holder.occurrenceId,
      holder.userId,
      holder.guestTokenId,
      eventType,
      performedBy,
    );
}

/** People holding seats in a meeting instance now (for the participants list and tests). */
export async function countSeats(db: D1Database, meetingId: string, occurrenceId: string | null) {
  const row = await db
    .prepare(
      `WITH open_seats AS (${OPEN_SEATS})
       SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT user_id, guest_token_id FROM open_seats)) AS people,
              (SELECT COUNT(DISTINCT guest_token_id) FROM open_seats) AS guests`,
    )
    .bind(meetingId, occurrenceId)
    .first<{ people: number; guests: number }>();
  return { people: row?.people ?? 0, guests: row?.guests ?? 0 };
}

/** The caller's latest seat in the meeting that became an RTK participant, with the room it is in. */
export const findLatestJoinedSeat = (db: D1Database, meetingId: string, userId: string) =>
  db
    .prepare(
      `SELECT p.rtk_participant_id, ${ROOM_OF_INSTANCE} AS rtk_meeting_id
       FROM participant_events p JOIN meetings m ON m.id = p.meeting_id
       LEFT JOIN meeting_occurrences o ON o.id = p.occurrence_id
       WHERE p.meeting_id = ? AND p.user_id = ? AND p.event_type = 'joined' AND p.rtk_participant_id IS NOT NULL
       ORDER BY p.id DESC LIMIT 1`,
    )
    .bind(meetingId, userId)
    .first<{ rtk_participant_id: string; rtk_meeting_id: string | null }>();

/** A host changed someone's preset (§5.5): the audit row, in the org's preset names. */
export const insertPresetChangeStatement = (
  db: D1Database,
  event: {
    orgId: string;
    meetingId: string;
    occurrenceId: string | null;
    rtkParticipantId: string;
    userId: string | null;
    guestTokenId: string | null;
    change: 'promoted' | 'demoted';
    from: string | null;
    to: string;
    performedBy: string;
  },
) =>
  db
    .prepare(
      `INSERT INTO participant_events (id, org_id, meeting_id, occurrence_id, rtk_participant_id, user_id,
         guest_token_id, event_type, preset_from, preset_to, performed_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW_SQL})`,
    )
    .bind(
      newId(),
      event.orgId,
      event.meetingId,
      event.occurrenceId,
      event.rtkParticipantId,
      event.userId,
      event.guestTokenId,
      event.change,
      event.from,
      event.to,
      event.performedBy,
    );

/**
 * Each RTK participant's latest preset as the join flow and the audit log recorded it (RTK's session rows keep the
 * first), for any number of ids.
 */
export async function latestPresetsOf(db: D1Database, meetingId: string, rtkParticipantIds: string[]) {
  const participants = inList('rtk_participant_id', rtkParticipantIds);
  const { results } = await db
    .prepare(
      `SELECT rtk_participant_id, preset_to FROM participant_events
       WHERE meeting_id = ? AND preset_to IS NOT NULL AND ${participants.sql}
       ORDER BY id`,
    )
    .bind(meetingId, participants.value)
    .all<{ rtk_participant_id: string; preset_to: string }>();
  return new Map(results.map((row) => [row.rtk_participant_id, row.preset_to]));
}

// Guest tokens (guest-join.ts, participant-controls.ts).

export interface GuestTokenRow {
  id: string;
  org_id: string;
  meeting_id: string;
  occurrence_id: string | null;
  rtk_participant_id: string | null;
  status: string;
  expires_at: string;
}

export const insertGuestTokenStatement = (
  db: D1Database,
  token: {
    id: string;
    orgId: string;
    meetingId: string;
    occurrenceId: string | null;
    displayName: string;
    email: string | null;
    tokenHash: string;
    ipHash: string;
    status: 'waiting' | 'admitted';
    expiresAt: string;
  },
) =>
  db
    .prepare(
      `INSERT INTO guest_tokens (id, org_id, meeting_id, occurrence_id, display_name, email, token_hash, ip_hash, status,
         expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      token.id,
      token.orgId,
      token.meetingId,
      token.occurrenceId,
      token.displayName,
      token.email,
      token.tokenHash,
      token.ipHash,
      token.status,
      token.expiresAt,
    );

export const attachGuestParticipantStatement = (db: D1Database, guestTokenId: string, rtkParticipantId: string) =>
  db.prepare('UPDATE guest_tokens SET rtk_participant_id = ? WHERE id = ?').bind(rtkParticipantId, guestTokenId);

/** The guest token a guest presents, for that meeting only. */
export const findGuestToken = (db: D1Database, meetingId: string, tokenHash: string) =>
  db
    .prepare('SELECT * FROM guest_tokens WHERE token_hash = ? AND meeting_id = ?')
    .bind(tokenHash, meetingId)
    .first<GuestTokenRow>();

/** The RTK room of a meeting instance (the occurrence's, else the meeting's). */
export const findRoomOfInstance = (db: D1Database, meetingId: string, occurrenceId: string | null) =>
  db
    .prepare(
      `SELECT ${ROOM_OF_INSTANCE} AS id FROM meetings m
       LEFT JOIN meeting_occurrences o ON o.id = ? WHERE m.id = ?`,
    )
    .bind(occurrenceId, meetingId)
    .first<{ id: string | null }>();

/** Guests of every org still in the waiting room since before `cutoff`, with the room they wait for. */
export async function listIdleWaitingGuests(db: D1Database, cutoff: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT g.*, ${ROOM_OF_INSTANCE} AS rtk_meeting_id FROM guest_tokens g
       JOIN meetings m ON m.id = g.meeting_id LEFT JOIN meeting_occurrences o ON o.id = g.occurrence_id
       WHERE g.status = 'waiting' AND g.created_at < ? LIMIT ?`,
    )
    .bind(cutoff, limit)
    .all<GuestTokenRow & { rtk_meeting_id: string | null }>();
  return results;
}

/** Revokes a guest's token (kicked, or their join failed); an earlier revocation time is kept. */
export const revokeGuestTokenStatement = (db: D1Database, orgId: string, guestTokenId: string) =>
  db
    .prepare(
      `UPDATE guest_tokens SET status = 'revoked', revoked_at = COALESCE(revoked_at, ${NOW_SQL}) WHERE id = ? AND org_id = ?`,
    )
    .bind(guestTokenId, orgId);

/** Revokes a guest left waiting too long; one admitted meanwhile keeps their token. */
export const revokeWaitingGuestStatement = (db: D1Database, guestTokenId: string) =>
  db
    .prepare(`UPDATE guest_tokens SET status = 'revoked', revoked_at = ${NOW_SQL} WHERE id = ? AND status = 'waiting'`)
    .bind(guestTokenId);

// Recordings and livestreams started or stopped by host controls. Keyed by RTK's ids like the webhook handler's
// rows (post-meeting/queries.ts), so whichever writes first creates the row; RTK's status webhooks stay in charge
// of the status.

export interface RecordingControlRow {
  id: string;
  rtk_recording_id: string;
  recording_type: 'composite' | 'track';
  status: RecordingStatus;
  codec: string | null;
  has_watermark: number;
  storage_location: string;
}

export interface HostRecording {
  orgId: string;
  meetingId: string;
  rtkRecordingId: string;
  type: 'composite' | 'track';
  status: RecordingStatus;
  codec: string | null;
  storageLocation: string;
  hasWatermark: boolean;
  startedBy: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

/** Only we know how a recording was started; the status webhooks may already be further along than INVOKED. */
const RECORDING_STARTED_MERGE = `recording_type = excluded.recording_type, codec = COALESCE(excluded.codec, recordings.codec),
  has_watermark = excluded.has_watermark, started_by = excluded.started_by,
  storage_location = CASE WHEN recordings.storage_location = 'rtk' THEN excluded.storage_location
    ELSE recordings.storage_location END`;

/** Stopping moves a live recording on (UPLOADING); a webhook that already reported the upload wins. */
const RECORDING_STOPPED_MERGE = `status = CASE WHEN recordings.status IN ('invoked', 'recording') THEN excluded.status
    ELSE recordings.status END,
  ended_at = COALESCE(recordings.ended_at, excluded.ended_at)`;

/** Inserts the recording's row, or merges into the one a webhook wrote first. */
const upsertHostRecording = (db: D1Database, recording: HostRecording, onConflict: string) =>
  db
    .prepare(
      `INSERT INTO recordings (id, org_id, meeting_id, rtk_recording_id, recording_type, status, codec, storage_location,
         has_watermark, started_by, started_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rtk_recording_id) DO UPDATE SET ${onConflict}, updated_at = ${NOW_SQL}
       WHERE recordings.org_id = excluded.org_id
       RETURNING *`,
    )
    .bind(
      newId(),
      recording.orgId,
      recording.meetingId,
      recording.rtkRecordingId,
      recording.type,
      recording.status,
      recording.codec,
      recording.storageLocation,
      recording.hasWatermark ? 1 : 0,
      recording.startedBy,
      recording.startedAt,
      recording.endedAt,
    )
    .first<RecordingControlRow>();

export const upsertStartedRecording = (db: D1Database, recording: HostRecording) =>
  upsertHostRecording(db, recording, RECORDING_STARTED_MERGE);

export const upsertStoppedRecording = (db: D1Database, recording: HostRecording) =>
  upsertHostRecording(db, recording, RECORDING_STOPPED_MERGE);

export interface HostLivestream {
  orgId: string;
  meetingId: string;
  rtkLivestreamId: string;
  status: string;
  rtmpUrl: string | null;
  playbackUrl: string | null;
  startedBy: string | null;
  /** When RTK says the stream began; null means now. */
  startedAt: string | null;
  ended: boolean;
}

const LIVESTREAM_STARTED_MERGE = `rtmp_url = COALESCE(livestreams.rtmp_url, excluded.rtmp_url),
  playback_url = COALESCE(livestreams.playback_url, excluded.playback_url),
  started_by = COALESCE(livestreams.started_by, excluded.started_by)`;

/** A webhook that already reported the stream offline keeps its word. */
const LIVESTREAM_STOPPED_MERGE = `status = CASE WHEN livestreams.status IN ('INVOKED', 'LIVE') THEN excluded.status
    ELSE livestreams.status END,
  ended_at = COALESCE(livestreams.ended_at, excluded.ended_at)`;

/** The stream's row; its status webhooks move the status on. */
const upsertHostLivestream = (db: D1Database, stream: HostLivestream, onConflict: string) =>
  db
    .prepare(
      `INSERT INTO livestreams (id, org_id, meeting_id, rtk_livestream_id, status, rtmp_url, playback_url, started_by,
         started_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, ${NOW_SQL}), CASE WHEN ? THEN ${NOW_SQL} END)
       ON CONFLICT (rtk_livestream_id) DO UPDATE SET ${onConflict}, updated_at = ${NOW_SQL}
       WHERE livestreams.org_id = excluded.org_id`,
    )
    .bind(
      newId(),
      stream.orgId,
      stream.meetingId,
      stream.rtkLivestreamId,
      stream.status,
      stream.rtmpUrl,
      stream.playbackUrl,
      stream.startedBy,
      stream.startedAt,
      stream.ended ? 1 : 0,
    );

export const upsertStartedLivestreamStatement = (db: D1Database, stream: HostLivestream) =>
  upsertHostLivestream(db, stream, LIVESTREAM_STARTED_MERGE);

export const upsertStoppedLivestreamStatement = (db: D1Database, stream: HostLivestream) =>
  upsertHostLivestream(db, stream, LIVESTREAM_STOPPED_MERGE);
