import * as Sentry from '@sentry/cloudflare';
import { newId } from '@castio/shared/ids';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import type { Env } from '../env';
import type { DownloadEvent, ChatSyncedEvent, RecordingEvent, LivestreamEvent } from '../webhooks/payload';
import type { MeetingTarget, SessionRow } from '../sessions/queries';
import { type ArtifactKind, artifactLink } from './artifact-link';
import { download } from './downloads';
import { parseChat, parseTranscript } from './formats';
import { parseCustomParticipantId } from '../meetings/participant-identity';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
/** D1 rows stay well under the 2 MB row limit; longer transcripts live only in R2. */
const MAX_INLINE_TRANSCRIPT_CHARS = 800_000;

/** R2 keys are server-made and org-prefixed (security.md checklist 16). */
export const postMeetingKey = (orgId: string, sessionId: string, name: string) =>
  `org/${orgId}/sessions/${sessionId}/${name}`;

/** Recording states only move forward: UPLOADED never goes back to RECORDING (security.md §4.4). */
const RANK_SQL = (column: string) =>
  `CASE ${column} WHEN 'invoked' THEN 0 WHEN 'recording' THEN 1 WHEN 'uploading' THEN 2 WHEN 'errored' THEN 3 WHEN 'uploaded' THEN 4 ELSE -1 END`;

/** The REST API's details of an uploaded recording, in our columns' terms; null when RTK is not configured. */
async function uploadedRecording(env: Env, recordingId: string) {
  const rtk = rtkClientFromEnv(env);
  if (!rtk) return null;
  const recording = await rtk.recordings.get(recordingId);
  return {
    // Track recordings carry an array of per-layer files here; only a composite's single URL fits the column.
    downloadUrl: typeof recording.download_url === 'string' ? recording.download_url : null,
    downloadUrlExpiry: recording.download_url_expiry,
    durationSeconds: recording.recording_duration,
    fileSizeBytes: recording.file_size,
    codec: recording.video_config?.codec ?? null,
    storageType: recording.storage_config?.type ?? null,
  };
}

export async function storeRecordingEvent(
  env: Env,
  target: MeetingTarget,
  session: SessionRow | null,
  event: RecordingEvent,
  receivedAt: string,
) {
  const status = event.status === 'paused' ? 'recording' : event.status;
  // On UPLOADED the REST API has the authoritative details (seed §9.2); a failing call is retried by cron.
  const details = event.status === 'uploaded' ? await uploadedRecording(env, event.recordingId) : null;
  const error = event.status === 'errored' ? 'RealtimeKit reported the recording as ERRORED.' : null;
  const db = env.DB;
  await db.batch([
    db
      .prepare(
        `INSERT INTO recordings (id, org_id, meeting_id, session_id, rtk_recording_id, status, download_url, download_url_expiry,
           duration_seconds, file_size_bytes, codec, storage_location, error_message, started_at, ended_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (rtk_recording_id) DO UPDATE SET
           status = CASE WHEN ${RANK_SQL('excluded.status')} > ${RANK_SQL('recordings.status')} THEN excluded.status ELSE recordings.status END,
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
           updated_at = ${NOW}
         WHERE recordings.org_id = excluded.org_id`,
      )
      .bind(
        newId(),
        target.orgId,
        target.meetingId,
        session?.id ?? null,
        event.recordingId,
        status,
        details?.downloadUrl ?? event.downloadUrl,
        details?.downloadUrlExpiry ?? event.downloadUrlExpiry,
        details?.durationSeconds ?? event.durationSeconds,
        details?.fileSizeBytes ?? event.fileSizeBytes,
        details?.codec ?? null,
        details?.storageType && details.storageType !== 'realtimekit' ? details.storageType : 'rtk',
        error,
        event.startedAt,
        event.stoppedAt,
      ),
    db
      .prepare(
        `INSERT OR IGNORE INTO recording_status_events (id, org_id, recording_id, status, occurred_at)
         SELECT ?, org_id, id, ?, ? FROM recordings WHERE rtk_recording_id = ? AND org_id = ?`,
      )
      .bind(newId(), event.status, receivedAt, event.recordingId, target.orgId),
    ...(session && event.status === 'uploaded'
      ? [db.prepare('UPDATE sessions SET has_recording = 1 WHERE id = ?').bind(session.id)]
      : []),
  ]);
  if (event.status === 'errored') {
    Sentry.captureMessage('RealtimeKit recording errored', {
      level: 'error',
      tags: { component: 'webhook-handler', org_id: target.orgId, meeting_id: event.rtkMeetingId },
    });
  }
}

export async function storeLivestreamEvent(
  env: Env,
  target: MeetingTarget,
  event: LivestreamEvent,
  receivedAt: string,
) {
  const rank = (column: string) =>
    `CASE ${column} WHEN 'INVOKED' THEN 0 WHEN 'LIVE' THEN 1 WHEN 'IDLE' THEN 2 WHEN 'OFFLINE' THEN 2 WHEN 'ERRORED' THEN 2 ELSE -1 END`;
  const live = event.status === 'LIVE';
  const over = ['IDLE', 'OFFLINE', 'ERRORED'].includes(event.status);
  await env.DB.prepare(
    `INSERT INTO livestreams (id, org_id, meeting_id, rtk_livestream_id, status, playback_url, started_at, ended_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (rtk_livestream_id) DO UPDATE SET
       status = CASE WHEN ${rank('excluded.status')} >= ${rank('livestreams.status')} THEN excluded.status ELSE livestreams.status END,
       playback_url = COALESCE(excluded.playback_url, livestreams.playback_url),
       started_at = COALESCE(livestreams.started_at, excluded.started_at),
       ended_at = COALESCE(livestreams.ended_at, excluded.ended_at),
       updated_at = ${NOW}
     WHERE livestreams.org_id = excluded.org_id`,
  )
    .bind(
      newId(),
      target.orgId,
      target.meetingId,
      event.streamId,
      event.status,
      event.playbackUrl,
      live ? receivedAt : null,
      over ? receivedAt : null,
    )
    .run();
}

const linkOf = (env: Env, kind: ArtifactKind, session: SessionRow, event: DownloadEvent | ChatSyncedEvent) =>
  artifactLink(env, kind, session.rtk_session_id, { url: event.downloadUrl, expiry: event.downloadUrlExpiry });

/** Copies the transcript into R2 (always) and D1 (when it fits), final entries only. */
export async function copyTranscript(env: Env, session: SessionRow, event: DownloadEvent) {
  const link = await linkOf(env, 'transcript', session, event);
  const { text } = await download(env, link.url);
  const entries = parseTranscript(text);
  const json = JSON.stringify(entries);
  const key = postMeetingKey(session.org_id, session.id, 'transcript.json');
  await env.R2_EXPORTS.put(key, json, { httpMetadata: { contentType: 'application/json' } });
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO transcripts (id, org_id, session_id, meeting_id, download_url, download_url_expiry, transcript_json, storage_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET download_url = excluded.download_url,
         download_url_expiry = excluded.download_url_expiry, transcript_json = excluded.transcript_json,
         storage_key = excluded.storage_key
       WHERE transcripts.org_id = excluded.org_id`,
    ).bind(
      newId(),
      session.org_id,
      session.id,
      session.meeting_id,
      link.url,
      link.expiry,
      json.length <= MAX_INLINE_TRANSCRIPT_CHARS ? json : null,
      key,
    ),
    env.DB.prepare('UPDATE sessions SET has_transcript = 1 WHERE id = ?').bind(session.id),
  ]);
}

export async function copySummary(env: Env, session: SessionRow, event: DownloadEvent) {
  const link = await linkOf(env, 'summary', session, event);
  const { text } = await download(env, link.url);
  const markdown = text.slice(0, 200_000);
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO summaries (id, org_id, session_id, meeting_id, download_url, download_url_expiry, summary_markdown)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET download_url = excluded.download_url,
         download_url_expiry = excluded.download_url_expiry, summary_markdown = excluded.summary_markdown
       WHERE summaries.org_id = excluded.org_id`,
    ).bind(newId(), session.org_id, session.id, session.meeting_id, link.url, link.expiry, markdown),
    env.DB.prepare('UPDATE sessions SET has_summary = 1 WHERE id = ?').bind(session.id),
  ]);
}

/**
 * A chat export names people as RTK knows them: by the customParticipantId the join flow gave them (`user:<id>`),
 * or by RTK's own ids. Only a user of the session's org is kept as the sender or recipient; anyone else is NULL.
 */
const ORG_USER = '(SELECT u.id FROM users u WHERE u.id = ? AND u.org_id = ?)';
const userCandidate = (rtkName: string | null) => {
  const identity = parseCustomParticipantId(rtkName);
  return identity.userId ?? identity.raw ?? null;
};

/** Copies every chat message into D1 (they outlive RTK's retention) and the raw export into R2. */
export async function copyChat(env: Env, session: SessionRow, event: ChatSyncedEvent, receivedAt: string) {
  const { text, contentType } = await download(env, (await linkOf(env, 'chat', session, event)).url);
  const messages = parseChat(text, event.endedAt ?? receivedAt);
  await env.R2_EXPORTS.put(postMeetingKey(session.org_id, session.id, 'chat-export.raw'), text, {
    httpMetadata: { contentType },
  });
  const db = env.DB;
  const statements = messages.map((message) =>
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
        userCandidate(message.senderUserId),
        session.org_id,
        message.senderName,
        message.messageType,
        message.content,
        message.fileName,
        message.fileUrl,
        message.isPinned ? 1 : 0,
        message.isPrivate ? 1 : 0,
        userCandidate(message.recipientUserId),
        session.org_id,
        message.sentAt,
      ),
  );
  for (let index = 0; index < statements.length; index += 100) await db.batch(statements.slice(index, index + 100));
  await db
    .prepare(
      'UPDATE sessions SET has_chat = CASE WHEN EXISTS (SELECT 1 FROM chat_messages WHERE session_id = ?1) THEN 1 ELSE 0 END WHERE id = ?1',
    )
    .bind(session.id)
    .run();
}
