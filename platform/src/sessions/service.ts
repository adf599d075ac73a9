import type { AuthContext } from '../auth/auth-context';
import { rowsOf } from '../database/sql';

interface SessionParticipantRow {
  id: string;
  user_id: string | null;
  display_name: string | null;
  is_guest: number;
  joined_at: string | null;
  left_at: string | null;
  duration_seconds: number | null;
}
import { notFound } from '../http/errors';
import { meetingInOrg, seesSessionAnalytics } from './access';
import type { SessionRow } from './queries';

export const toSessionSummary = (row: SessionRow) => ({
  id: row.id,
  meetingId: row.meeting_id,
  occurrenceId: row.occurrence_id,
  status: row.status,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  durationSeconds: row.duration_seconds,
  participantCount: row.participant_count,
  peakParticipantCount: row.peak_participant_count,
  totalParticipants: row.total_participants,
  hasRecording: row.has_recording === 1,
  hasTranscript: row.has_transcript === 1,
  hasSummary: row.has_summary === 1,
  hasChat: row.has_chat === 1,
});

export async function listMeetingSessions(
  db: D1Database,
  auth: AuthContext,
  meetingId: string,
  query: { cursor?: string; limit: number },
) {
  await meetingInOrg(db, auth, meetingId);
  const { results } = await db
    .prepare(
      `SELECT * FROM sessions WHERE org_id = ? AND meeting_id = ? AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?`,
    )
    .bind(auth.orgId, meetingId, query.cursor ?? null, query.cursor ?? null, query.limit + 1)
    .all<SessionRow>();
  const page = results.slice(0, query.limit);
  return {
    items: page.map(toSessionSummary),
    nextCursor: results.length > query.limit ? page.at(-1)!.id : null,
  };
}

export async function findSession(db: D1Database, orgId: string, meetingId: string, sessionId: string) {
  return db
    .prepare('SELECT * FROM sessions WHERE id = ? AND meeting_id = ? AND org_id = ?')
    .bind(sessionId, meetingId, orgId)
    .first<SessionRow>();
}

export async function getSessionDetail(db: D1Database, auth: AuthContext, meetingId: string, sessionId: string) {
  const meeting = await meetingInOrg(db, auth, meetingId);
  const session = await findSession(db, auth.orgId, meetingId, sessionId);
  if (!session) throw notFound('The session');
  const host = await db
    .prepare('SELECT id, name FROM users WHERE id = ? AND org_id = ?')
    .bind(meeting.created_by, auth.orgId)
    .first<{ id: string; name: string }>();
  let analytics = null;
  if (seesSessionAnalytics(auth)) {
    const [participants, counts, snapshots] = await db.batch([
      db
        .prepare(
          `SELECT id, user_id, display_name, is_guest, joined_at, left_at, duration_seconds FROM session_participants
            WHERE session_id = ? AND org_id = ? ORDER BY joined_at, id`,
        )
        .bind(session.id, auth.orgId),
      db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM chat_messages WHERE session_id = ?1) AS chat,
                  (SELECT COALESCE(SUM(duration_seconds), 0) FROM recordings WHERE session_id = ?1 AND status = 'uploaded') AS recording`,
        )
        .bind(session.id),
      db
        .prepare(
          'SELECT recorded_at, participant_count FROM session_snapshots WHERE session_id = ? ORDER BY recorded_at LIMIT 1000',
        )
        .bind(session.id),
    ]);
    const rows = rowsOf<SessionParticipantRow>(participants);
    const durations = rows.map((row) => row.duration_seconds).filter((value): value is number => value !== null);
    const count = (counts!.results[0] ?? {}) as { chat?: number; recording?: number };
    analytics = {
      participants: rows.map((row) => ({
        id: row.id,
        userId: row.user_id,
        displayName: row.display_name,
        isGuest: row.is_guest === 1,
        joinedAt: row.joined_at,
        leftAt: row.left_at,
        durationSeconds: row.duration_seconds,
      })),
      averageParticipantSeconds: durations.length
        ? Math.round(durations.reduce((sum, value) => sum + value, 0) / durations.length)
        : null,
      chatMessages: count.chat ?? 0,
      recordingSeconds: count.recording ?? 0,
      snapshots: rowsOf<{ recorded_at: string; participant_count: number }>(snapshots).map((row) => ({
        at: row.recorded_at,
        participantCount: row.participant_count,
      })),
    };
  }
  return {
    session: toSessionSummary(session),
    meeting: { id: meeting.id, title: meeting.title, meetingType: meeting.meeting_type },
    host,
    retentionNotice:
      'RealtimeKit keeps recordings, transcripts and summaries for 7 days; Castio keeps its own copy of transcripts, summaries and chat.',
    analytics,
  };
}
