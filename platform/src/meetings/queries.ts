import { inList, likePattern, SqlClauses } from '../database/sql';
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
