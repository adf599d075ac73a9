// Webhook bodies, field for field as RTK documents them (docs/rtk.md#webhook-payloads), including its quirks: `meeting.status` is
// "LIVE" in every sample (even meeting.ended), `recording.fileSize` is a string, chatSynced is flat.
import type { Livestream, Meeting, Peer, Recording, RtkApp, Session } from '../state/rtk-records.ts';
import type { DownloadLink } from './downloads.ts';
import type { WebhookEvent } from './rtk-schemas.ts';

/** What a webhook payload says about where it happened. */
export interface PayloadContext {
  meeting: Meeting;
  app: RtkApp;
  session: Session | null;
}

export type SessionContext = PayloadContext & { session: Session };

/** Every body the local RealtimeKit sends; `event` says which. */
export type WebhookBody =
  | ReturnType<typeof meetingStarted>
  | ReturnType<typeof meetingEnded>
  | ReturnType<typeof participantJoined>
  | ReturnType<typeof participantLeft>
  | ReturnType<typeof chatSynced>
  | ReturnType<typeof recordingStatusUpdate>
  | ReturnType<typeof livestreamStatusUpdate>
  | ReturnType<typeof transcriptReady>
  | ReturnType<typeof summaryReady>;

export type MeetingEndReason = 'HOST_ENDED_MEETING' | 'ALL_PARTICIPANTS_LEFT';

/** The common `meeting` object. */
export function meetingObject({ meeting, session, app }: PayloadContext) {
  return {
    id: meeting.id,
    sessionId: session?.id ?? null,
    title: meeting.title ?? null,
    roomName: roomName(meeting),
    status: 'LIVE',
    createdAt: meeting.created_at,
    startedAt: session?.started_at ?? null,
    organizedBy: { id: app.id, name: app.name },
    ...(session?.ended_at ? { endedAt: session.ended_at } : {}),
  };
}

export const roomName = (meeting: Meeting) => `${meeting.id.slice(0, 6)}-${meeting.id.slice(9, 13)}`;

/** `{ event }` typed as the catalogue's name, so a body's event is always one a webhook can subscribe to. */
const event = <E extends WebhookEvent>(name: E) => ({ event: name });

export const meetingStarted = (ctx: PayloadContext) => ({ ...event('meeting.started'), meeting: meetingObject(ctx) });

export const meetingEnded = (ctx: PayloadContext, reason: MeetingEndReason) => ({
  ...event('meeting.ended'),
  meeting: meetingObject(ctx),
  reason,
});

const participantObject = (peer: Peer, left: boolean) => ({
  peerId: peer.peer_id,
  userDisplayName: peer.display_name,
  customParticipantId: peer.custom_participant_id,
  clientSpecificId: peer.custom_participant_id,
  joinedAt: peer.joined_at,
  ...(left ? { leftAt: peer.left_at } : {}),
});

export const participantJoined = (ctx: PayloadContext, peer: Peer) => ({
  ...event('meeting.participantJoined'),
  meeting: meetingObject(ctx),
  participant: participantObject(peer, false),
});
export const participantLeft = (ctx: PayloadContext, peer: Peer) => ({
  ...event('meeting.participantLeft'),
  meeting: meetingObject(ctx),
  participant: participantObject(peer, true),
});

export const chatSynced = ({ meeting, session, app }: SessionContext, link: DownloadLink) => ({
  ...event('meeting.chatSynced'),
  sessionId: session.id,
  meetingId: meeting.id,
  title: meeting.title ?? null,
  chatDownloadUrl: link.url,
  chatDownloadUrlExpiry: link.expiry,
  createdAt: meeting.created_at,
  startedAt: session.started_at,
  endedAt: session.ended_at ?? null,
  organizedBy: { id: app.id, name: app.name },
});

export const recordingStatusUpdate = (ctx: PayloadContext, recording: Recording) => ({
  ...event('recording.statusUpdate'),
  meeting: meetingObject(ctx),
  recording: {
    id: recording.id,
    recordingId: recording.id,
    status: recording.status,
    downloadUrl: recording.download_url,
    audioDownloadUrl: recording.audio_download_url,
    downloadUrlExpiry: recording.download_url_expiry,
    startedTime: recording.started_time,
    stoppedTime: recording.stopped_time,
    fileSize: recording.file_size === null ? null : String(recording.file_size),
    outputFileName: recording.output_file_name,
    meetingId: ctx.meeting.id,
    recordingDuration: recording.recording_duration,
    organizationId: ctx.app.id,
    roomUUID: ctx.meeting.id,
  },
});

/** `status`: the webhook's (REST uses LIVE/IDLE/ERRORED/INVOKED). */
export const livestreamStatusUpdate = (
  { meeting, app }: Omit<PayloadContext, 'session'>,
  livestream: Livestream,
  status: 'LIVE' | 'OFFLINE' | 'IDLE',
) => ({
  ...event('livestreaming.statusUpdate'),
  streamId: livestream.id,
  status,
  manualIngest: false,
  playbackUrl: livestream.playback_url,
  ingestServer: livestream.ingest_server,
  streamKey: livestream.stream_key,
  meeting: {
    id: meeting.id,
    title: meeting.title ?? null,
    createdAt: meeting.created_at,
    roomName: roomName(meeting),
    status: 'LIVE',
    organizedBy: { id: app.id, name: app.name },
  },
});

export const transcriptReady = (ctx: PayloadContext, link: DownloadLink) => ({
  ...event('meeting.transcript'),
  meeting: meetingObject(ctx),
  transcriptDownloadUrl: link.url,
  transcriptDownloadUrlExpiry: link.expiry,
});
export const summaryReady = (ctx: PayloadContext, link: DownloadLink) => ({
  ...event('meeting.summary'),
  meeting: meetingObject(ctx),
  summaryDownloadUrl: link.url,
  summaryDownloadUrlExpiry: link.expiry,
});
