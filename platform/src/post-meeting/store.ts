import * as Sentry from '@sentry/cloudflare';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import type { Env } from '../env';
import type { DownloadEvent, ChatSyncedEvent, RecordingEvent, LivestreamEvent } from '../webhooks/payload';
import type { MeetingTarget, SessionRow } from '../sessions/queries';
import { type ArtifactKind, artifactLink } from './artifact-link';
import { download } from './downloads';
import { parseChat, parseTranscript } from './formats';
import { parseCustomParticipantId } from '../meetings/participant-identity';
import {
  chatFlagStatement,
  flagSessionStatement,
  recordingStatusSeenStatement,
  upsertChatMessageStatement,
  upsertLivestreamEventStatement,
  upsertRecordingEventStatement,
  upsertSummaryStatement,
  upsertTranscriptStatement,
} from './queries';

/** D1 rows stay well under the 2 MB row limit; longer transcripts live only in R2. */
const MAX_INLINE_TRANSCRIPT_CHARS = 800_000;

/** R2 keys are server-made and org-prefixed (docs/storage.md#r2-buckets). */
export const postMeetingKey = (orgId: string, sessionId: string, name: string) =>
  `org/${orgId}/sessions/${sessionId}/${name}`;

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
  // On UPLOADED the REST API has the authoritative details (spec §9.2); a failing call is retried by cron.
  const details = event.status === 'uploaded' ? await uploadedRecording(env, event.recordingId) : null;
  const error = event.status === 'errored' ? 'RealtimeKit reported the recording as ERRORED.' : null;
  const db = env.DB;
  await db.batch([
    upsertRecordingEventStatement(db, {
      orgId: target.orgId,
      meetingId: target.meetingId,
      sessionId: session?.id ?? null,
      rtkRecordingId: event.recordingId,
      status,
      downloadUrl: details?.downloadUrl ?? event.downloadUrl,
      downloadUrlExpiry: details?.downloadUrlExpiry ?? event.downloadUrlExpiry,
      durationSeconds: details?.durationSeconds ?? event.durationSeconds,
      fileSizeBytes: details?.fileSizeBytes ?? event.fileSizeBytes,
      codec: details?.codec ?? null,
      storageLocation: details?.storageType && details.storageType !== 'realtimekit' ? details.storageType : 'rtk',
      errorMessage: error,
      startedAt: event.startedAt,
      endedAt: event.stoppedAt,
    }),
    recordingStatusSeenStatement(db, {
      orgId: target.orgId,
      rtkRecordingId: event.recordingId,
      status: event.status,
      occurredAt: receivedAt,
    }),
    ...(session && event.status === 'uploaded' ? [flagSessionStatement(db, session.id, 'has_recording')] : []),
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
  const live = event.status === 'LIVE';
  const over = ['IDLE', 'OFFLINE', 'ERRORED'].includes(event.status);
  await upsertLivestreamEventStatement(env.DB, {
    orgId: target.orgId,
    meetingId: target.meetingId,
    rtkLivestreamId: event.streamId,
    status: event.status,
    playbackUrl: event.playbackUrl,
    startedAt: live ? receivedAt : null,
    endedAt: over ? receivedAt : null,
  }).run();
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
    upsertTranscriptStatement(env.DB, session, {
      source: link,
      json: json.length <= MAX_INLINE_TRANSCRIPT_CHARS ? json : null,
      storageKey: key,
    }),
    flagSessionStatement(env.DB, session.id, 'has_transcript'),
  ]);
}

export async function copySummary(env: Env, session: SessionRow, event: DownloadEvent) {
  const link = await linkOf(env, 'summary', session, event);
  const { text } = await download(env, link.url);
  const markdown = text.slice(0, 200_000);
  await env.DB.batch([
    upsertSummaryStatement(env.DB, session, { source: link, markdown }),
    flagSessionStatement(env.DB, session.id, 'has_summary'),
  ]);
}

/**
 * A chat export names people as RTK knows them: by the customParticipantId the join flow gave them (`user:<id>`),
 * or by RTK's own ids. Only a user of the session's org is kept as the sender or recipient; anyone else is NULL.
 */
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
    upsertChatMessageStatement(db, session, {
      ...message,
      senderUserId: userCandidate(message.senderUserId),
      recipientUserId: userCandidate(message.recipientUserId),
    }),
  );
  for (let index = 0; index < statements.length; index += 100) await db.batch(statements.slice(index, index + 100));
  await chatFlagStatement(db, session.id).run();
}
