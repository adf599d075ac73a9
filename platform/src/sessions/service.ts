import type { AuthContext } from '../http/app-env';
import { rowsOf } from '../database/sql';
import { notFound } from '../http/errors';
import { findUserById } from '../users/queries';
import { can } from '@castio/shared/rbac';
import { meetingOf } from '../meetings/access';
import {
  findSession,
  listSessionsOfMeeting,
  type SessionCountsRow,
  type SessionParticipantRow,
  type SessionRow,
  type SessionSnapshotRow,
  sessionCountsStatement,
  sessionParticipantsStatement,
  sessionSnapshotsStatement,
} from './queries';

/** Spec §8.8: hosts and admins see the full session analytics; members see content only. */
export const seesSessionAnalytics = (auth: AuthContext) => can(auth.role, 'analytics.view.own');

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
  await meetingOf({ DB: db }, auth, meetingId);
  const results = await listSessionsOfMeeting(db, auth.orgId, meetingId, {
    cursor: query.cursor ?? null,
    limit: query.limit,
  });
  const page = results.slice(0, query.limit);
  return {
    items: page.map(toSessionSummary),
    nextCursor: results.length > query.limit ? page.at(-1)!.id : null,
  };
}

export async function getSessionDetail(db: D1Database, auth: AuthContext, meetingId: string, sessionId: string) {
  const meeting = await meetingOf({ DB: db }, auth, meetingId);
  const session = await findSession(db, auth.orgId, meetingId, sessionId);
  if (!session) throw notFound('The session');
  const creator = await findUserById(db, auth.orgId, meeting.created_by);
  const host = creator ? { id: creator.id, name: creator.name } : null;
  let analytics = null;
  if (seesSessionAnalytics(auth)) {
    const [participants, counts, snapshots] = await db.batch([
      sessionParticipantsStatement(db, auth.orgId, session.id),
      sessionCountsStatement(db, session.id),
      sessionSnapshotsStatement(db, session.id),
    ]);
    const rows = rowsOf<SessionParticipantRow>(participants);
    const durations = rows.map((row) => row.duration_seconds).filter((value): value is number => value !== null);
    const count: Partial<SessionCountsRow> = rowsOf<SessionCountsRow>(counts)[0] ?? {};
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
      snapshots: rowsOf<SessionSnapshotRow>(snapshots).map((row) => ({
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
