import { newId } from '@castio/shared/ids';
import { NOW_SQL } from '../database/sql';

/** Our side of an RTK meeting id: which org, meeting and (for recurring meetings) occurrence it belongs to. */
export interface MeetingTarget {
  orgId: string;
  meetingId: string;
  occurrenceId: string | null;
  schedulingType: string;
  meetingType: string;
  title: string;
  createdBy: string;
}

interface RtkMeetingTargetRow {
  org_id: string;
  meeting_id: string;
  occurrence_id: string | null;
  scheduling_type: string;
  meeting_type: string;
  title: string;
  created_by: string;
}

/** Maps an RTK meeting id through meetings.rtk_meeting_id or meeting_occurrences.rtk_meeting_id. */
export async function resolveRtkMeeting(db: D1Database, rtkMeetingId: string): Promise<MeetingTarget | null> {
  const row = await db
    .prepare(
      `SELECT * FROM (
         SELECT o.org_id, o.meeting_id, o.id AS occurrence_id, m.scheduling_type, m.meeting_type, m.title, m.created_by, 0 AS rank
           FROM meeting_occurrences o JOIN meetings m ON m.id = o.meeting_id AND m.org_id = o.org_id
          WHERE o.rtk_meeting_id = ?1
         UNION ALL
         SELECT org_id, id, NULL, scheduling_type, meeting_type, title, created_by, 1 FROM meetings WHERE rtk_meeting_id = ?1
       ) ORDER BY rank LIMIT 1`,
    )
    .bind(rtkMeetingId)
    .first<RtkMeetingTargetRow>();
  if (!row) return null;
  return {
    orgId: row.org_id,
    meetingId: row.meeting_id,
    occurrenceId: row.occurrence_id,
    schedulingType: row.scheduling_type,
    meetingType: row.meeting_type,
    title: row.title,
    createdBy: row.created_by,
  };
}

export interface SessionRow {
  id: string;
  org_id: string;
  meeting_id: string;
  occurrence_id: string | null;
  rtk_session_id: string;
  status: 'active' | 'ended';
  started_at: string | null;
  ended_at: string | null;
  duration_seconds: number | null;
  participant_count: number;
  peak_participant_count: number;
  total_participants: number;
  has_recording: number;
  has_transcript: number;
  has_summary: number;
  has_chat: number;
}

export interface SessionFacts {
  startedAt?: string | null;
  endedAt?: string | null;
  ended?: boolean;
}

/**
 * Creates or merges the session row for an RTK session. Merging is order-independent: the earliest start and
 * the latest end win, and `ended` is sticky (a late `meeting.started` never reopens an ended session).
 */
export function upsertSessionStatement(
  db: D1Database,
  target: MeetingTarget,
  rtkMeetingId: string,
  rtkSessionId: string,
  facts: SessionFacts,
) {
  return db
    .prepare(
      `INSERT INTO sessions (id, org_id, meeting_id, occurrence_id, rtk_session_id, rtk_meeting_id, status, started_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rtk_session_id) DO UPDATE SET
         started_at = CASE WHEN excluded.started_at IS NULL THEN sessions.started_at
                           WHEN sessions.started_at IS NULL OR excluded.started_at < sessions.started_at THEN excluded.started_at
                           ELSE sessions.started_at END,
         ended_at = CASE WHEN excluded.ended_at IS NULL THEN sessions.ended_at
                         WHEN sessions.ended_at IS NULL OR excluded.ended_at > sessions.ended_at THEN excluded.ended_at
                         ELSE sessions.ended_at END,
         status = CASE WHEN sessions.status = 'ended' OR excluded.status = 'ended' THEN 'ended' ELSE 'active' END,
         updated_at = ${NOW_SQL}
       WHERE sessions.org_id = excluded.org_id
       RETURNING *`,
    )
    .bind(
      newId(),
      target.orgId,
      target.meetingId,
      target.occurrenceId,
      rtkSessionId,
      rtkMeetingId,
      facts.ended ? 'ended' : 'active',
      facts.startedAt ?? null,
      facts.ended ? (facts.endedAt ?? null) : null,
    );
}

export interface ParticipantFacts {
  peerId: string;
  customParticipantId: string | null;
  /** Candidate ids from customParticipantId; each counts only if it exists in the session's org. */
  userCandidate: string | null;
  guestCandidate: string | null;
  displayName: string | null;
  joinedAt: string | null;
  leftAt: string | null;
}

/**
 * One row per RTK peer (a connection) per session, addressed by the RTK session id so it can run in the same
 * batch that creates the session. Joined/left may come in any order or twice: the earliest join wins, and a
 * real leave time always replaces the provisional one `meeting.ended` fills in. The person is a user of the org
 * or a guest token of the org, looked up in the same statement.
 */
export function upsertParticipantStatement(
  db: D1Database,
  orgId: string,
  rtkSessionId: string,
  facts: ParticipantFacts,
) {
  return db
    .prepare(
      `INSERT INTO session_participants
         (id, org_id, session_id, meeting_id, rtk_participant_id, custom_participant_id, user_id, guest_token_id,
          display_name, is_guest, joined_at, left_at)
       SELECT ?1, s.org_id, s.id, s.meeting_id, ?2, ?3, u.id, CASE WHEN u.id IS NULL THEN g.id END, ?4,
              CASE WHEN u.id IS NULL THEN 1 ELSE 0 END, ?5, ?6
         FROM sessions s
         LEFT JOIN users u ON u.id = ?7 AND u.org_id = s.org_id
         LEFT JOIN guest_tokens g ON g.id = ?8 AND g.org_id = s.org_id
        WHERE s.rtk_session_id = ?9 AND s.org_id = ?10
       ON CONFLICT (session_id, rtk_participant_id) DO UPDATE SET
         custom_participant_id = COALESCE(excluded.custom_participant_id, session_participants.custom_participant_id),
         user_id = COALESCE(excluded.user_id, session_participants.user_id),
         guest_token_id = COALESCE(excluded.guest_token_id, session_participants.guest_token_id),
         display_name = COALESCE(excluded.display_name, session_participants.display_name),
         is_guest = CASE WHEN COALESCE(excluded.user_id, session_participants.user_id) IS NULL THEN 1 ELSE 0 END,
         joined_at = CASE WHEN excluded.joined_at IS NULL THEN session_participants.joined_at
                          WHEN session_participants.joined_at IS NULL OR excluded.joined_at < session_participants.joined_at
                          THEN excluded.joined_at ELSE session_participants.joined_at END,
         left_at = COALESCE(excluded.left_at, session_participants.left_at)`,
    )
    .bind(
      newId(),
      facts.peerId,
      facts.customParticipantId,
      facts.displayName,
      facts.joinedAt,
      facts.leftAt,
      facts.userCandidate,
      facts.guestCandidate,
      rtkSessionId,
      orgId,
    );
}

const SESSION_ID = '(SELECT id FROM sessions WHERE rtk_session_id = ?1 AND org_id = ?2)';

/** On session end, peers still marked present are closed at the end time (a later real leave overrides it). */
export const closeOpenParticipantsStatement = (db: D1Database, orgId: string, rtkSessionId: string) =>
  db
    .prepare(
      `UPDATE session_participants SET left_at = (SELECT ended_at FROM sessions WHERE id = session_participants.session_id)
        WHERE session_id = (SELECT id FROM sessions WHERE rtk_session_id = ?1 AND org_id = ?2 AND status = 'ended'
                              AND ended_at IS NOT NULL)
          AND left_at IS NULL`,
    )
    .bind(rtkSessionId, orgId);

const SECONDS_BETWEEN = (from: string, to: string) =>
  `MAX(0, CAST(ROUND((julianday(${to}) - julianday(${from})) * 86400) AS INTEGER))`;

/**
 * Recomputes every derived number of a session from its participant rows and snapshots, so the result depends
 * only on the set of events seen, never on their order or repetition.
 */
export function recomputeSessionStatements(db: D1Database, orgId: string, rtkSessionId: string) {
  return [
    db
      .prepare(
        `UPDATE session_participants SET duration_seconds = CASE WHEN joined_at IS NOT NULL AND left_at IS NOT NULL
           THEN ${SECONDS_BETWEEN('joined_at', 'left_at')} END WHERE session_id = ${SESSION_ID}`,
      )
      .bind(rtkSessionId, orgId),
    db
      .prepare(
        `UPDATE sessions SET
           total_participants = (SELECT COUNT(DISTINCT COALESCE(p.custom_participant_id, p.rtk_participant_id))
                                   FROM session_participants p WHERE p.session_id = sessions.id),
           participant_count = CASE WHEN status = 'ended' THEN 0 ELSE
             (SELECT COUNT(*) FROM session_participants p WHERE p.session_id = sessions.id AND p.left_at IS NULL) END,
           peak_participant_count = MAX(
             COALESCE((SELECT MAX(concurrent) FROM (
               SELECT (SELECT COUNT(*) FROM session_participants q
                        WHERE q.session_id = p.session_id AND q.joined_at <= p.joined_at
                          AND (q.left_at IS NULL OR q.left_at > p.joined_at)) AS concurrent
                 FROM session_participants p WHERE p.session_id = sessions.id AND p.joined_at IS NOT NULL)), 0),
             COALESCE((SELECT MAX(s.participant_count) FROM session_snapshots s WHERE s.session_id = sessions.id), 0)),
           duration_seconds = CASE WHEN started_at IS NOT NULL AND ended_at IS NOT NULL
             THEN ${SECONDS_BETWEEN('started_at', 'ended_at')} END,
           updated_at = ${NOW_SQL}
         WHERE rtk_session_id = ?1 AND org_id = ?2`,
      )
      .bind(rtkSessionId, orgId),
  ];
}

export const sessionByRtkIdStatement = (db: D1Database, orgId: string, rtkSessionId: string) =>
  db.prepare('SELECT * FROM sessions WHERE rtk_session_id = ? AND org_id = ?').bind(rtkSessionId, orgId);

/**
 * Brings the meeting (or occurrence) in line with its sessions: active while one is live; a one-off meeting
 * ends with its session; a permanent room only flips `room_state`. Derived from the sessions, so the order of
 * events does not matter. A cancelled meeting stays cancelled.
 */
export function syncMeetingStatements(db: D1Database, target: MeetingTarget) {
  const live = `EXISTS (SELECT 1 FROM sessions s WHERE s.meeting_id = ?1 AND s.status = 'active'
                  AND (?2 IS NULL OR s.occurrence_id = ?2))`;
  const anyEnded = `EXISTS (SELECT 1 FROM sessions s WHERE s.meeting_id = ?1 AND s.status = 'ended'
                  AND (?2 IS NULL OR s.occurrence_id = ?2))`;
  const firstStart = `(SELECT MIN(s.started_at) FROM sessions s WHERE s.meeting_id = ?1 AND (?2 IS NULL OR s.occurrence_id = ?2))`;
  const lastEnd = `(SELECT MAX(s.ended_at) FROM sessions s WHERE s.meeting_id = ?1 AND (?2 IS NULL OR s.occurrence_id = ?2))`;
  const statements = [
    db
      .prepare(
        `UPDATE meetings SET room_state = CASE WHEN ${live} THEN 'active' ELSE 'inactive' END,
           actual_start = COALESCE(actual_start, ${firstStart}), updated_at = ${NOW_SQL}
         WHERE id = ?1 AND org_id = ?3`,
      )
      .bind(target.meetingId, target.occurrenceId, target.orgId),
  ];
  if (target.occurrenceId) {
    statements.push(
      db
        .prepare(
          `UPDATE meeting_occurrences SET
             status = CASE WHEN status = 'cancelled' THEN status WHEN ${live} THEN 'active'
                           WHEN ${anyEnded} THEN 'ended' ELSE status END,
             actual_start = COALESCE(actual_start, ${firstStart}),
             actual_end = CASE WHEN ${live} THEN actual_end ELSE COALESCE(${lastEnd}, actual_end) END
           WHERE id = ?2 AND meeting_id = ?1 AND org_id = ?3`,
        )
        .bind(target.meetingId, target.occurrenceId, target.orgId),
    );
  } else if (target.schedulingType !== 'permanent' && target.schedulingType !== 'recurring') {
    statements.push(
      db
        .prepare(
          `UPDATE meetings SET
             status = CASE WHEN status IN ('cancelled') THEN status WHEN ${live} THEN 'active'
                           WHEN ${anyEnded} THEN 'ended' ELSE status END,
             actual_end = CASE WHEN ${live} THEN actual_end ELSE COALESCE(${lastEnd}, actual_end) END
           WHERE id = ?1 AND org_id = ?3 AND (?2 IS NULL)`,
        )
        .bind(target.meetingId, target.occurrenceId, target.orgId),
    );
  }
  return statements;
}

/** The meeting's live session, for KV (run last in the settle batch). */
export const liveSessionStatement = (db: D1Database, target: MeetingTarget) =>
  db
    .prepare(
      `SELECT id, participant_count, started_at FROM sessions WHERE meeting_id = ? AND org_id = ? AND status = 'active'
        ORDER BY started_at DESC LIMIT 1`,
    )
    .bind(target.meetingId, target.orgId);

export type LiveSession = { id: string; participant_count: number; started_at: string | null } | undefined;

/** The live state the join flow and dashboards read from KV (`active:{orgId}:{meetingId}`, spec §2.5). */
export async function syncMeetingStateKv(kv: KVNamespace, target: MeetingTarget, live: LiveSession) {
  const key = `active:${target.orgId}:${target.meetingId}`;
  if (live) {
    await kv.put(
      key,
      JSON.stringify({ sessionId: live.id, participantCount: live.participant_count, startedAt: live.started_at }),
    );
  } else {
    await kv.delete(key);
  }
}

// Reading sessions (service.ts; post-meeting/ picks sessions through findSession too).

export const findSession = (db: D1Database, orgId: string, meetingId: string, sessionId: string) =>
  db
    .prepare('SELECT * FROM sessions WHERE id = ? AND meeting_id = ? AND org_id = ?')
    .bind(sessionId, meetingId, orgId)
    .first<SessionRow>();

/** A page of the meeting's sessions, newest first; one row more than `limit` says another page exists. */
export async function listSessionsOfMeeting(
  db: D1Database,
  orgId: string,
  meetingId: string,
  page: { cursor: string | null; limit: number },
) {
  const { results } = await db
    .prepare(
      `SELECT * FROM sessions WHERE org_id = ? AND meeting_id = ? AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?`,
    )
    .bind(orgId, meetingId, page.cursor, page.cursor, page.limit + 1)
    .all<SessionRow>();
  return results;
}

export interface SessionParticipantRow {
  id: string;
  user_id: string | null;
  display_name: string | null;
  is_guest: number;
  joined_at: string | null;
  left_at: string | null;
  duration_seconds: number | null;
}

export const sessionParticipantsStatement = (db: D1Database, orgId: string, sessionId: string) =>
  db
    .prepare(
      `SELECT id, user_id, display_name, is_guest, joined_at, left_at, duration_seconds FROM session_participants
        WHERE session_id = ? AND org_id = ? ORDER BY joined_at, id`,
    )
    .bind(sessionId, orgId);

export interface SessionCountsRow {
  chat: number;
  recording: number;
}

/** The session's chat messages and seconds of uploaded recordings, as one row. */
export const sessionCountsStatement = (db: D1Database, sessionId: string) =>
  db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM chat_messages WHERE session_id = ?1) AS chat,
              (SELECT COALESCE(SUM(duration_seconds), 0) FROM recordings WHERE session_id = ?1 AND status = 'uploaded') AS recording`,
    )
    .bind(sessionId);

export interface SessionSnapshotRow {
  recorded_at: string;
  participant_count: number;
}

export const sessionSnapshotsStatement = (db: D1Database, sessionId: string) =>
  db
    .prepare(
      'SELECT recorded_at, participant_count FROM session_snapshots WHERE session_id = ? ORDER BY recorded_at LIMIT 1000',
    )
    .bind(sessionId);
