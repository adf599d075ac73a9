import { RtkError } from '@castio/shared/rtk';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import type { AuthContext } from '../http/app-env';
import { rowsOf } from '../database/sql';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { can } from '@castio/shared/rbac';
import { managedMeeting, meetingOf } from '../meetings/access';
import { findSession, type SessionRow } from '../sessions/queries';
import { toCsv, type TranscriptEntry } from './formats';
import {
  findLatestSession,
  findSummary,
  findTranscript,
  listChatMessages,
  type RecordingRow,
  type RecordingStatusRow,
  recordingHistoryStatement,
  recordingsOfMeetingStatement,
} from './queries';

/** The requested session of the meeting, or its latest one that has the given data. */
async function pickSession(
  db: D1Database,
  auth: AuthContext,
  meetingId: string,
  sessionId: string | undefined,
  flag: 'has_transcript' | 'has_summary' | 'has_chat' | null,
  what: string,
): Promise<SessionRow> {
  await meetingOf({ DB: db }, auth, meetingId);
  const session = sessionId
    ? await findSession(db, auth.orgId, meetingId, sessionId)
    : await findLatestSession(db, auth.orgId, meetingId, flag);
  if (!session) throw notFound(what);
  return session;
}

const notExpired = (expiry: string | null) => !expiry || Date.parse(expiry) > Date.now();

export async function listRecordings(db: D1Database, auth: AuthContext, meetingId: string) {
  await meetingOf({ DB: db }, auth, meetingId);
  const [recordings, history] = await db.batch([
    recordingsOfMeetingStatement(db, auth.orgId, meetingId),
    recordingHistoryStatement(db, auth.orgId, meetingId),
  ]);
  const byRecording = new Map<string, { status: string; at: string }[]>();
  for (const row of rowsOf<RecordingStatusRow>(history)) {
    const list = byRecording.get(row.recording_id) ?? [];
    list.push({ status: row.status, at: row.occurred_at });
    byRecording.set(row.recording_id, list);
  }
  return {
    items: rowsOf<RecordingRow>(recordings).map((row) => ({
      id: row.id,
      sessionId: row.session_id,
      status: row.status,
      durationSeconds: row.duration_seconds,
      fileSizeBytes: row.file_size_bytes,
      codec: row.codec,
      storageLocation: row.storage_location,
      // RTK's presigned URL only while it works (7 days); external buckets keep their own URL.
      downloadUrl: row.download_url && notExpired(row.download_url_expiry) ? row.download_url : null,
      downloadUrlExpiry: row.download_url_expiry,
      errorMessage: row.error_message,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      history: byRecording.get(row.id) ?? [],
    })),
  };
}

export async function getTranscript(env: Env, auth: AuthContext, meetingId: string, sessionId?: string) {
  const session = await pickSession(env.DB, auth, meetingId, sessionId, 'has_transcript', 'The transcript');
  const row = await findTranscript(env.DB, auth.orgId, session.id);
  if (!row) throw notFound('The transcript');
  let json = row.transcript_json;
  if (json === null && row.storage_key) json = (await (await env.R2_EXPORTS.get(row.storage_key))?.text()) ?? null;
  const entries = JSON.parse(json ?? '[]') as TranscriptEntry[];
  return { sessionId: session.id, language: row.language, copiedAt: row.created_at, entries };
}

export async function getSummary(db: D1Database, auth: AuthContext, meetingId: string, sessionId?: string) {
  const session = await pickSession(db, auth, meetingId, sessionId, 'has_summary', 'The summary');
  const row = await findSummary(db, auth.orgId, session.id);
  if (!row?.summary_markdown) throw notFound('The summary');
  return {
    sessionId: session.id,
    markdown: row.summary_markdown,
    summaryType: row.summary_type,
    copiedAt: row.created_at,
  };
}

/** Manual "Generate summary" (spec §8.3): needs a transcript; the summary itself arrives by webhook. */
export async function generateSummary(env: Env, auth: AuthContext, meetingId: string, sessionId?: string) {
  await managedMeeting(env, auth, meetingId);
  const session = await pickSession(env.DB, auth, meetingId, sessionId, null, 'The session');
  if (session.status !== 'ended') throw new ApiError('session_active', 'The session has not ended yet.');
  if (!session.has_transcript) {
    throw new ApiError('no_transcript', 'This session has no transcript, so it cannot be summarised.');
  }
  const rtk = rtkClientFromEnv(env);
  if (!rtk) throw new ApiError('rtk_not_configured', 'RealtimeKit is not configured.');
  try {
    const result = await rtk.sessions.generateSummary(session.rtk_session_id);
    return { sessionId: session.id, status: result.status ?? 'requested' };
  } catch (error) {
    if (error instanceof RtkError) {
      throw new ApiError('rtk_unavailable', 'RealtimeKit did not accept the request; try again later.');
    }
    throw error;
  }
}

/**
 * The chat of a session, pinned messages first then in time order. Private messages are shown only to their
 * sender and recipient, and to owners/admins.
 */
export async function getChat(db: D1Database, auth: AuthContext, meetingId: string, sessionId?: string) {
  const session = await pickSession(db, auth, meetingId, sessionId, 'has_chat', 'The chat');
  const seesAllPrivate = can(auth.role, 'users.manage');
  const results = await listChatMessages(db, auth.orgId, session.id, { userId: auth.userId, seesAllPrivate });
  return {
    sessionId: session.id,
    messages: results.map((row) => ({
      id: row.rtk_message_id,
      senderUserId: row.sender_user_id,
      senderName: row.sender_name,
      type: row.message_type,
      content: row.content,
      fileName: row.file_name,
      fileUrl: row.file_url,
      isPinned: row.is_pinned === 1,
      isPrivate: row.is_private === 1,
      recipientUserId: row.recipient_user_id,
      sentAt: row.sent_at,
    })),
  };
}

export const chatCsv = (chat: Awaited<ReturnType<typeof getChat>>) =>
  toCsv(
    [
      'id',
      'sent_at',
      'sender_user_id',
      'sender_name',
      'type',
      'content',
      'file_name',
      'file_url',
      'pinned',
      'private',
      'recipient_user_id',
    ],
    chat.messages.map((message) => [
      message.id,
      message.sentAt,
      message.senderUserId,
      message.senderName,
      message.type,
      message.content,
      message.fileName,
      message.fileUrl,
      message.isPinned,
      message.isPrivate,
      message.recipientUserId,
    ]),
  );
