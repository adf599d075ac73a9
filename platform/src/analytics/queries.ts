import { newId } from '@castio/shared/ids';
import { NOW_SQL, rowsOf } from '../database/sql';
import { DAY_MS, dayOf, startOfDay } from './dates';

/** One day of the per-day session aggregate (nullable sums come back as null on empty days). */
interface DailySessionRow {
  day: string;
  sessions: number;
  participants: number;
  duration_seconds: number;
  transcripts: number | null;
  summaries: number | null;
  peak: number | null;
  video: number | null;
  audio: number | null;
  webinar: number | null;
  livestream: number | null;
}

export const MEETING_TYPES = ['video', 'audio', 'webinar', 'livestream'] as const;

export interface DayTotals {
  day: string;
  sessions: number;
  participants: number;
  durationSeconds: number;
  recordings: number;
  recordingSeconds: number;
  chatMessages: number;
  transcripts: number;
  summaries: number;
  peakConcurrent: number;
  video: number;
  audio: number;
  webinar: number;
  livestream: number;
}

/** Who the numbers cover: a whole org, or only the meetings one host created. */
export interface Scope {
  orgId: string;
  hostUserId: string | null;
}

const sessionsIn = (scope: Scope) => `
  SELECT s.id, s.started_at, s.total_participants, s.duration_seconds, s.has_transcript, s.has_summary,
         s.peak_participant_count, m.meeting_type
    FROM sessions s JOIN meetings m ON m.id = s.meeting_id AND m.org_id = s.org_id
   WHERE s.org_id = ?1 AND s.started_at >= ?2 AND s.started_at < ?3 ${scope.hostUserId ? 'AND m.created_by = ?4' : ''}`;

/**
 * Per-day totals computed directly from sessions (and their recordings and chat) for [fromIso, toIso): the
 * live path, and what the nightly rollup stores. Sessions are counted on the UTC day they started.
 */
export async function liveDayTotals(
  db: D1Database,
  scope: Scope,
  fromIso: string,
  toIso: string,
): Promise<DayTotals[]> {
  const binds = scope.hostUserId ? [scope.orgId, fromIso, toIso, scope.hostUserId] : [scope.orgId, fromIso, toIso];
  const [sessions, recordings, chat] = await db.batch([
    db
      .prepare(
        `WITH s AS (${sessionsIn(scope)})
         SELECT substr(started_at, 1, 10) AS day, COUNT(*) AS sessions, COALESCE(SUM(total_participants), 0) AS participants,
                COALESCE(SUM(duration_seconds), 0) AS duration_seconds, SUM(has_transcript) AS transcripts,
                SUM(has_summary) AS summaries, MAX(peak_participant_count) AS peak,
                SUM(meeting_type = 'video') AS video, SUM(meeting_type = 'audio') AS audio,
                SUM(meeting_type = 'webinar') AS webinar, SUM(meeting_type = 'livestream') AS livestream
           FROM s GROUP BY day`,
      )
      .bind(...binds),
    db
      .prepare(
        `WITH s AS (${sessionsIn(scope)})
         SELECT substr(s.started_at, 1, 10) AS day, COUNT(*) AS recordings, COALESCE(SUM(r.duration_seconds), 0) AS seconds
           FROM recordings r JOIN s ON s.id = r.session_id WHERE r.status = 'uploaded' GROUP BY day`,
      )
      .bind(...binds),
    db
      .prepare(
        `WITH s AS (${sessionsIn(scope)})
         SELECT substr(s.started_at, 1, 10) AS day, COUNT(*) AS messages
           FROM chat_messages c JOIN s ON s.id = c.session_id GROUP BY day`,
      )
      .bind(...binds),
  ]);
  const byDay = new Map<string, DayTotals>();
  const totalsOf = (day: string) => {
    let totals = byDay.get(day);
    if (!totals) {
      totals = {
        day,
        sessions: 0,
        participants: 0,
        durationSeconds: 0,
        recordings: 0,
        recordingSeconds: 0,
        chatMessages: 0,
        transcripts: 0,
        summaries: 0,
        peakConcurrent: 0,
        video: 0,
        audio: 0,
        webinar: 0,
        livestream: 0,
      };
      byDay.set(day, totals);
    }
    return totals;
  };
  for (const row of rowsOf<DailySessionRow>(sessions)) {
    Object.assign(totalsOf(row.day), {
      sessions: row.sessions,
      participants: row.participants,
      durationSeconds: row.duration_seconds,
      transcripts: row.transcripts ?? 0,
      summaries: row.summaries ?? 0,
      peakConcurrent: row.peak ?? 0,
      video: row.video ?? 0,
      audio: row.audio ?? 0,
      webinar: row.webinar ?? 0,
      livestream: row.livestream ?? 0,
    });
  }
  for (const row of rowsOf<{ day: string; recordings: number; seconds: number }>(recordings))
    Object.assign(totalsOf(row.day), { recordings: row.recordings, recordingSeconds: row.seconds });
  for (const row of rowsOf<{ day: string; messages: number }>(chat)) totalsOf(row.day).chatMessages = row.messages;
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

export async function rolledUpDays(db: D1Database, orgId: string, from: string, to: string): Promise<Set<string>> {
  const { results } = await db
    .prepare('SELECT date FROM analytics_rollups WHERE org_id = ? AND date >= ? AND date <= ?')
    .bind(orgId, from, to)
    .all<{ date: string }>();
  return new Set(results.map((row) => row.date));
}

interface DailyAnalyticsRow {
  date: string;
  total_sessions: number;
  total_participants: number;
  total_duration_seconds: number;
  total_recordings: number;
  total_recording_seconds: number;
  total_chat_messages: number;
  total_transcripts: number;
  total_summaries: number;
  peak_concurrent_participants: number;
  meeting_type_video: number;
  meeting_type_audio: number;
  meeting_type_webinar: number;
  meeting_type_livestream: number;
}

export async function rollupRows(db: D1Database, orgId: string, from: string, to: string): Promise<DayTotals[]> {
  const { results } = await db
    .prepare(
      `SELECT date, total_sessions, total_participants, total_duration_seconds, total_recordings, total_recording_seconds,
              total_chat_messages, total_transcripts, total_summaries, peak_concurrent_participants,
              meeting_type_video, meeting_type_audio, meeting_type_webinar, meeting_type_livestream
         FROM daily_analytics WHERE org_id = ? AND date >= ? AND date <= ? ORDER BY date`,
    )
    .bind(orgId, from, to)
    .all<DailyAnalyticsRow>();
  return results.map((row) => ({
    day: row.date,
    sessions: row.total_sessions,
    participants: row.total_participants,
    durationSeconds: row.total_duration_seconds,
    recordings: row.total_recordings,
    recordingSeconds: row.total_recording_seconds,
    chatMessages: row.total_chat_messages,
    transcripts: row.total_transcripts,
    summaries: row.total_summaries,
    peakConcurrent: row.peak_concurrent_participants,
    video: row.meeting_type_video,
    audio: row.meeting_type_audio,
    webinar: row.meeting_type_webinar,
    livestream: row.meeting_type_livestream,
  }));
}

/**
 * Rolls one UTC day up into daily_analytics for every org that had sessions, then marks the day complete.
 * Idempotent (upsert on org+day), safe to rerun for late events.
 */
export async function rollupDay(db: D1Database, day: string) {
  const fromIso = new Date(startOfDay(day)).toISOString();
  const toIso = new Date(startOfDay(day) + DAY_MS).toISOString();
  const { results: orgs } = await db
    .prepare('SELECT DISTINCT org_id FROM sessions WHERE started_at >= ? AND started_at < ?')
    .bind(fromIso, toIso)
    .all<{ org_id: string }>();
  const statements: D1PreparedStatement[] = [];
  for (const { org_id: orgId } of orgs) {
    const [totals] = await liveDayTotals(db, { orgId, hostUserId: null }, fromIso, toIso);
    if (!totals) continue;
    statements.push(
      db
        .prepare(
          `INSERT INTO daily_analytics (id, org_id, date, total_sessions, total_participants, total_duration_minutes,
             total_duration_seconds, total_recordings, total_recording_minutes, total_recording_seconds, total_chat_messages,
             total_transcripts, total_summaries, peak_concurrent_participants, meeting_type_video, meeting_type_audio,
             meeting_type_webinar, meeting_type_livestream, computed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW_SQL})
           ON CONFLICT (org_id, date) DO UPDATE SET total_sessions = excluded.total_sessions,
             total_participants = excluded.total_participants, total_duration_minutes = excluded.total_duration_minutes,
             total_duration_seconds = excluded.total_duration_seconds, total_recordings = excluded.total_recordings,
             total_recording_minutes = excluded.total_recording_minutes, total_recording_seconds = excluded.total_recording_seconds,
             total_chat_messages = excluded.total_chat_messages, total_transcripts = excluded.total_transcripts,
             total_summaries = excluded.total_summaries, peak_concurrent_participants = excluded.peak_concurrent_participants,
             meeting_type_video = excluded.meeting_type_video, meeting_type_audio = excluded.meeting_type_audio,
             meeting_type_webinar = excluded.meeting_type_webinar, meeting_type_livestream = excluded.meeting_type_livestream,
             computed_at = excluded.computed_at`,
        )
        .bind(
          newId(),
          orgId,
          day,
          totals.sessions,
          totals.participants,
          Math.round(totals.durationSeconds / 60),
          totals.durationSeconds,
          totals.recordings,
          Math.round(totals.recordingSeconds / 60),
          totals.recordingSeconds,
          totals.chatMessages,
          totals.transcripts,
          totals.summaries,
          totals.peakConcurrent,
          totals.video,
          totals.audio,
          totals.webinar,
          totals.livestream,
        ),
    );
  }
  // Every org's day is now complete, including orgs that had no session that day.
  statements.push(
    db
      .prepare(
        `INSERT INTO analytics_rollups (org_id, date, computed_at)
         SELECT id, ?, ${NOW_SQL} FROM organizations WHERE true
         ON CONFLICT (org_id, date) DO UPDATE SET computed_at = excluded.computed_at`,
      )
      .bind(day),
  );
  for (let index = 0; index < statements.length; index += 50) await db.batch(statements.slice(index, index + 50));
  return orgs.length;
}

/**
 * The nightly job: the last `recentDays` complete days plus every earlier day that has sessions but no marker
 * (never rolled up, or made stale by a late webhook). Today is never rolled up: it is always live.
 */
export async function rollupPending(db: D1Database, now = Date.now(), recentDays = 7) {
  const today = dayOf(now);
  const { results } = await db
    .prepare(
      `SELECT DISTINCT substr(s.started_at, 1, 10) AS day FROM sessions s
        WHERE s.started_at IS NOT NULL AND s.started_at < ?
          AND NOT EXISTS (SELECT 1 FROM analytics_rollups a WHERE a.org_id = s.org_id AND a.date = substr(s.started_at, 1, 10))`,
    )
    .bind(`${today}T00:00:00.000Z`)
    .all<{ day: string }>();
  const days = new Set(results.map((row) => row.day));
  for (let back = 1; back <= recentDays; back++) days.add(dayOf(startOfDay(today) - back * DAY_MS));
  const ordered = [...days].sort();
  for (const day of ordered) await rollupDay(db, day);
  return ordered;
}

/** A webhook changed a session of an already rolled-up day: compute that day live until the next rollup. */
export function markDayStaleStatement(db: D1Database, orgId: string, rtkSessionId: string, now = Date.now()) {
  return db
    .prepare(
      `DELETE FROM analytics_rollups WHERE (org_id, date) =
         (SELECT org_id, substr(started_at, 1, 10) FROM sessions WHERE rtk_session_id = ? AND org_id = ?) AND date < ?`,
    )
    .bind(rtkSessionId, orgId, dayOf(now));
}

export function markSessionDayStaleStatement(db: D1Database, sessionId: string, now = Date.now()) {
  return db
    .prepare(
      `DELETE FROM analytics_rollups WHERE (org_id, date) =
         (SELECT org_id, substr(started_at, 1, 10) FROM sessions WHERE id = ?) AND date < ?`,
    )
    .bind(sessionId, dayOf(now));
}

export interface MeetingTotalsRow {
  id: string;
  title: string;
  meeting_type: string;
  created_by: string;
  sessions: number;
  participants: number;
  duration_seconds: number;
  peak: number | null;
  last_session_at: string | null;
  with_recording: number | null;
  with_transcript: number | null;
}

const MEETING_TOTALS_ORDER = {
  sessions: 'sessions',
  minutes: 'duration_seconds',
  participants: 'participants',
} as const;

/** Per-meeting totals of the sessions that started in [fromIso, toIso), the biggest first by `sort`. */
export async function listMeetingTotals(
  db: D1Database,
  scope: Scope,
  range: { fromIso: string; toIso: string },
  query: { sort: keyof typeof MEETING_TOTALS_ORDER; limit: number },
) {
  const { results } = await db
    .prepare(
      `SELECT m.id, m.title, m.meeting_type, m.created_by, COUNT(s.id) AS sessions,
              COALESCE(SUM(s.total_participants), 0) AS participants, COALESCE(SUM(s.duration_seconds), 0) AS duration_seconds,
              MAX(s.peak_participant_count) AS peak, MAX(s.started_at) AS last_session_at,
              SUM(s.has_recording) AS with_recording, SUM(s.has_transcript) AS with_transcript
         FROM sessions s JOIN meetings m ON m.id = s.meeting_id AND m.org_id = s.org_id
        WHERE s.org_id = ?1 AND s.started_at >= ?2 AND s.started_at < ?3 AND (?4 IS NULL OR m.created_by = ?4)
        GROUP BY m.id ORDER BY ${MEETING_TOTALS_ORDER[query.sort]} DESC, m.id LIMIT ?5`,
    )
    .bind(scope.orgId, range.fromIso, range.toIso, scope.hostUserId, query.limit)
    .all<MeetingTotalsRow>();
  return results;
}

// Live-session polling (polling.ts): snapshots of RTK's live counts, and sessions RTK ended without a webhook.

export const findActiveSessionByRtkId = (db: D1Database, rtkSessionId: string) =>
  db
    .prepare("SELECT id, org_id FROM sessions WHERE rtk_session_id = ? AND status = 'active'")
    .bind(rtkSessionId)
    .first<{ id: string; org_id: string }>();

export const insertSnapshotStatement = (
  db: D1Database,
  snapshot: { orgId: string; sessionId: string; participantCount: number },
) =>
  db
    .prepare('INSERT INTO session_snapshots (id, org_id, session_id, participant_count) VALUES (?, ?, ?, ?)')
    .bind(newId(), snapshot.orgId, snapshot.sessionId, snapshot.participantCount);

/** Whether the meeting has a live session other than this one. */
export async function otherLiveSessionExists(db: D1Database, meetingId: string, rtkSessionId: string) {
  const row = await db
    .prepare(
      "SELECT 1 AS found FROM sessions WHERE meeting_id = ? AND status = 'active' AND rtk_session_id != ? LIMIT 1",
    )
    .bind(meetingId, rtkSessionId)
    .first<{ found: 1 }>();
  return row !== null;
}

/** Every org's sessions still active but unchanged since `before`. */
export async function listStaleActiveSessions(db: D1Database, before: string, limit: number) {
  const { results } = await db
    .prepare("SELECT rtk_session_id, rtk_meeting_id FROM sessions WHERE status = 'active' AND updated_at < ? LIMIT ?")
    .bind(before, limit)
    .all<{ rtk_session_id: string; rtk_meeting_id: string | null }>();
  return results;
}
