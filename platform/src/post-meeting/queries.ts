import { newId } from '@castio/shared/ids';
import { NOW_SQL } from '../database/sql';
import type { SessionRow } from '../sessions/queries';
import type { ArtifactLink } from './artifact-link';
import type { ChatMessage } from './formats';

// What the webhooks bring after (and during) a meeting (store.ts), and what the API reads back (service.ts).

/** Recording states only move forward: UPLOADED never goes back to RECORDING (docs/architecture.md#webhook-ingest). */
const RECORDING_RANK = (column: string) =>
  `CASE ${column} WHEN 'invoked' THEN 0 WHEN 'recording' THEN 1 WHEN 'uploading' THEN 2 WHEN 'errored' THEN 3 WHEN 'uploaded' THEN 4 ELSE -1 END`;

/** A recording as a `recording.statusUpdate` (and, once uploaded, RTK's REST API) describes it. */
export interface RecordingEventRow {
  orgId: string;
  meetingId: string;
  sessionId: string | null;
  rtkRecordingId: string;
  status: string;
  downloadUrl: string | null;
  downloadUrlExpiry: string | null;
  durationSeconds: number | null;
  fileSizeBytes: number | null;
  codec: string | null;
  storageLocation: string;
  errorMessage: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

/** Creates or merges the recording's row: the status only moves forward, known details are never erased. */
export const upsertRecordingEventStatement = (db: D1Database, recording: RecordingEventRow) =>
  db
    .prepare(
      `INSERT INTO recordings (id, org_id, meeting_id, session_id, rtk_recording_id, status, download_url, download_url_expiry,
         duration_seconds, file_size_bytes, codec, storage_location, error_message, started_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rtk_recording_id) DO UPDATE SET
         status = CASE WHEN ${RECORDING_RANK('excluded.status')} > ${RECORDING_RANK('recordings.status')} THEN excluded.status ELSE recordings.status END,
         session_id = COALESCE(recordings.session_id, excluded.session_id),
         download_url = COALESCE(excluded.download_url, recordings.download_url),
         download_url_expiry = COALESCE(excluded.download_url_expiry, recordings.download_url_expiry),
         duration_seconds = COALESCE(excluded.duration_seconds, recordings.duration_seconds),
         file_size_bytes = COALESCE(excluded.file_size_bytes, recordings.file_size_bytes),
         codec = COALESCE(excluded.codec, recordings.codec),
         storage_location = CASE WHEN excluded.storage_location <> 'rtk' THEN excluded.storage_location ELSE recordings.storage_location END,
         error_message = COALESCE(excluded.error_message, recordings.error_message),
         started_at = CASE WHEN recordings.started_at IS NULL OR excluded.started_at < recordings.started_at THEN COALESCE(excluded.started_at, recordings.started_at) ELSE recordings.started_at END,
         ended_at = COALESCE(excluded.ended_at, recordings.ended_at),
         updated_at = ${NOW_SQL}
       WHERE recordings.org_id = excluded.org_id`,
    )
    .bind(
      newId(),
      recording.orgId,
      recording.meetingId,
      recording.sessionId,
      recording.rtkRecordingId,
      recording.status,
      recording.downloadUrl,
      recording.downloadUrlExpiry,
      recording.durationSeconds,
      recording.fileSizeBytes,
      recording.codec,
      recording.storageLocation,
      recording.errorMessage,
      recording.startedAt,
      recording.endedAt,
    );

/** The first time each status of a recording was seen (run after the upsert, in its batch). */
export const recordingStatusSeenStatement = (
  db: D1Database,
  event: { orgId: string; rtkRecordingId: string; status: string; occurredAt: string },
) =>
  db
    .prepare(
      `INSERT OR IGNORE INTO recording_status_events (id, org_id, recording_id, status, occurred_at)
       SELECT ?, org_id, id, ?, ? FROM recordings WHERE rtk_recording_id = ? AND org_id = ?`,
    )
    .bind(newId(), event.status, event.occurredAt, event.rtkRecordingId, event.orgId);

/** The session's post-meeting flags that only ever turn on (has_chat is recomputed: chatFlagStatement). */
export const flagSessionStatement = (
  db: D1Database,
  sessionId: string,
  flag: 'has_recording' | 'has_transcript' | 'has_summary',
) => db.prepare(`UPDATE sessions SET ${flag} = 1 WHERE id = ?`).bind(sessionId);

export const chatFlagStatement = (db: D1Database, sessionId: string) =>
  db
    .prepare(
      'UPDATE sessions SET has_chat = CASE WHEN EXISTS (SELECT 1 FROM chat_messages WHERE session_id = ?1) THEN 1 ELSE 0 END WHERE id = ?1',
    )
    .bind(sessionId);

const LIVESTREAM_RANK = (column: string) =>
  `CASE ${column} WHEN 'INVOKED' THEN 0 WHEN 'LIVE' THEN 1 WHEN 'IDLE' THEN 2 WHEN 'OFFLINE' THEN 2 WHEN 'ERRORED' THEN 2 ELSE -1 END`;

/** A livestream as `livestreaming.statusUpdate` reports it: the status only moves forward, times are kept. */
export const upsertLivestreamEventStatement = (
  db: D1Database,
  stream: {
    orgId: string;
    meetingId: string;
    rtkLivestreamId: string;
    status: string;
    playbackUrl: string | null;
    startedAt: string | null;
    endedAt: string | null;
  },
) =>
  db
    .prepare(
      `INSERT INTO livestreams (id, org_id, meeting_id, rtk_livestream_id, status, playback_url, started_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rtk_livestream_id) DO UPDATE SET
         status = CASE WHEN ${LIVESTREAM_RANK('excluded.status')} >= ${LIVESTREAM_RANK('livestreams.status')} THEN excluded.status ELSE livestreams.status END,
         playback_url = COALESCE(excluded.playback_url, livestreams.playback_url),
         started_at = COALESCE(livestreams.started_at, excluded.started_at),
         ended_at = COALESCE(livestreams.ended_at, excluded.ended_at),
         updated_at = ${NOW_SQL}
       WHERE livestreams.org_id = excluded.org_id`,
    )
    .bind(
      newId(),
      stream.orgId,
      stream.meetingId,
      stream.rtkLivestreamId,
      stream.status,
      stream.playbackUrl,
      stream.startedAt,
      stream.endedAt,
    );

/** The session's transcript: inline when it fits (`json` null otherwise), always at `storageKey` in R2. */
export const upsertTranscriptStatement = (
  db: D1Database,
  session: SessionRow,
  transcript: { source: ArtifactLink; json: string | null; storageKey: string },
) =>
  db
    .prepare(
      `INSERT INTO transcripts (id, org_id, session_id, meeting_id, download_url, download_url_expiry, transcript_json, storage_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET download_url = excluded.download_url,
         download_url_expiry = excluded.download_url_expiry, transcript_json = excluded.transcript_json,
         storage_key = excluded.storage_key
       WHERE transcripts.org_id = excluded.org_id`,
    )
    .bind(
      newId(),
      session.org_id,
      session.id,
      session.meeting_id,
      transcript.source.url,
      transcript.source.expiry,
      transcript.json,
      transcript.storageKey,
    );

export const upsertSummaryStatement = (
  db: D1Database,
  session: SessionRow,
  summary: { source: ArtifactLink; markdown: string },
) =>
  db
    .prepare(
      `INSERT INTO summaries (id, org_id, session_id, meeting_id, download_url, download_url_expiry, summary_markdown)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET download_url = excluded.download_url,
         download_url_expiry = excluded.download_url_expiry, summary_markdown = excluded.summary_markdown
       WHERE summaries.org_id = excluded.org_id`,
    )
    .bind(
      newId(),
      session.org_id,
      session.id,
      session.meeting_id,
      summary.source.url,
      summary.source.expiry,
      summary.markdown,
    );

/** A user id that counts only if it names a user of the session's org (else NULL). */
const ORG_USER = '(SELECT u.id FROM users u WHERE u.id = ? AND u.org_id = ?)';

/** One chat message; its sender and recipient ids are candidates, kept only when they name a user of the org. */
export const upsertChatMessageStatement = (db: D1Database, session: SessionRow, message: ChatMessage) =>
  db
    .prepare(
      `INSERT INTO chat_messages (id, org_id, session_id, meeting_id, rtk_message_id, sender_user_id, sender_name,
         message_type, content, file_name, file_url, is_pinned, is_private, recipient_user_id, sent_at)
       VALUES (?, ?, ?, ?, ?, ${ORG_USER}, ?, ?, ?, ?, ?, ?, ?, ${ORG_USER}, ?)
       ON CONFLICT (session_id, rtk_message_id) DO UPDATE SET content = excluded.content,
         is_pinned = excluded.is_pinned, file_url = excluded.file_url
       WHERE chat_messages.org_id = excluded.org_id`,
    )
    .bind(
      newId(),
      session.org_id,
      session.id,
      session.meeting_id,
      message.rtkMessageId,
      message.senderUserId,
      session.org_id,
      message.senderName,
      message.messageType,
      message.content,
      message.fileName,
      message.fileUrl,
      message.isPinned ? 1 : 0,
      message.isPrivate ? 1 : 0,
      message.recipientUserId,
      session.org_id,
      message.sentAt,
    );

// Reading it back (service.ts).

/** The meeting's latest session, or its latest one with the given artifact. */
export const findLatestSession = (
  db: D1Database,
  orgId: string,
  meetingId: string,
  flag: 'has_transcript' | 'has_summary' | 'has_chat' | null,
) =>
  db
    .prepare(
      `SELECT * FROM sessions WHERE meeting_id = ? AND org_id = ? ${flag ? `AND ${flag} = 1` : ''}
        ORDER BY COALESCE(started_at, created_at) DESC, id DESC LIMIT 1`,
    )
    .bind(meetingId, orgId)
    .first<SessionRow>();

export interface RecordingRow {
  id: string;
  session_id: string | null;
  status: string;
  duration_seconds: number | null;
  file_size_bytes: number | null;
  codec: string | null;
  storage_location: string;
  download_url: string | null;
  download_url_expiry: string | null;
  error_message: string | null;
  started_at: string | null;
  ended_at: string | null;
}

export const recordingsOfMeetingStatement = (db: D1Database, orgId: string, meetingId: string) =>
  db
    .prepare('SELECT * FROM recordings WHERE meeting_id = ? AND org_id = ? ORDER BY created_at DESC, id DESC LIMIT 200')
    .bind(meetingId, orgId);

export interface RecordingStatusRow {
  recording_id: string;
  status: string;
  occurred_at: string;
}

export const recordingHistoryStatement = (db: D1Database, orgId: string, meetingId: string) =>
  db
    .prepare(
      `SELECT e.recording_id, e.status, e.occurred_at FROM recording_status_events e
         JOIN recordings r ON r.id = e.recording_id WHERE r.meeting_id = ? AND r.org_id = ? ORDER BY e.occurred_at`,
    )
    .bind(meetingId, orgId);

export interface TranscriptRow {
  transcript_json: string | null;
  storage_key: string | null;
  language: string;
  created_at: string;
}

export const findTranscript = (db: D1Database, orgId: string, sessionId: string) =>
  db
    .prepare('SELECT * FROM transcripts WHERE session_id = ? AND org_id = ?')
    .bind(sessionId, orgId)
    .first<TranscriptRow>();

export interface SummaryRow {
  summary_markdown: string | null;
  summary_type: string | null;
  created_at: string;
}

export const findSummary = (db: D1Database, orgId: string, sessionId: string) =>
  db
    .prepare('SELECT summary_markdown, summary_type, created_at FROM summaries WHERE session_id = ? AND org_id = ?')
    .bind(sessionId, orgId)
    .first<SummaryRow>();

export interface ChatRow {
  rtk_message_id: string;
  sender_user_id: string | null;
  sender_name: string | null;
  message_type: 'text' | 'file' | 'image';
  content: string | null;
  file_name: string | null;
  file_url: string | null;
  is_pinned: number;
  is_private: number;
  recipient_user_id: string | null;
  sent_at: string;
}

/**
 * The session's chat, pinned messages first then in time order. Private messages only for their sender and
 * recipient, unless `seesAllPrivate`.
 */
export async function listChatMessages(
  db: D1Database,
  orgId: string,
  sessionId: string,
  viewer: { userId: string; seesAllPrivate: boolean },
) {
  const { results } = await db
    .prepare(
      `SELECT rtk_message_id, sender_user_id, sender_name, message_type, content, file_name, file_url, is_pinned, is_private,
              recipient_user_id, sent_at
         FROM chat_messages WHERE session_id = ? AND org_id = ?
          AND (is_private = 0 OR ? = 1 OR sender_user_id = ? OR recipient_user_id = ?)
        ORDER BY is_pinned DESC, sent_at, rtk_message_id`,
    )
    .bind(sessionId, orgId, viewer.seesAllPrivate ? 1 : 0, viewer.userId, viewer.userId)
    .all<ChatRow>();
  return results;
}
