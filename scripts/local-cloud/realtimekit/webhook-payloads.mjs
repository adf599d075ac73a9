// Webhook bodies, field for field as RTK documents them (rtk.md §2.4), including its quirks: `meeting.status` is
// "LIVE" in every sample (even meeting.ended), `recording.fileSize` is a string, chatSynced is flat.

/** The common `meeting` object. */
export function meetingObject({ meeting, session, app }) {
  const m = {
    id: meeting.id,
    sessionId: session?.id ?? null,
    title: meeting.title ?? null,
    roomName: roomName(meeting),
    status: 'LIVE',
    createdAt: meeting.created_at,
    startedAt: session?.started_at ?? null,
    organizedBy: { id: app.id, name: app.name },
  };
  if (session?.ended_at) m.endedAt = session.ended_at;
  return m;
}

export const roomName = (meeting) => `${meeting.id.slice(0, 6)}-${meeting.id.slice(9, 13)}`;

export const meetingStarted = (ctx) => ({ event: 'meeting.started', meeting: meetingObject(ctx) });

/** @param {'HOST_ENDED_MEETING' | 'ALL_PARTICIPANTS_LEFT'} reason */
export const meetingEnded = (ctx, reason) => ({ event: 'meeting.ended', meeting: meetingObject(ctx), reason });

const participantObject = (peer, left) => {
  const p = {
    peerId: peer.peer_id,
    userDisplayName: peer.display_name,
    customParticipantId: peer.custom_participant_id,
    clientSpecificId: peer.custom_participant_id,
    joinedAt: peer.joined_at,
  };
  if (left) p.leftAt = peer.left_at;
  return p;
};

export const participantJoined = (ctx, peer) => ({
  event: 'meeting.participantJoined',
  meeting: meetingObject(ctx),
  participant: participantObject(peer, false),
});
export const participantLeft = (ctx, peer) => ({
  event: 'meeting.participantLeft',
  meeting: meetingObject(ctx),
  participant: participantObject(peer, true),
});

export const chatSynced = ({ meeting, session, app }, link) => ({
  event: 'meeting.chatSynced',
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

export const recordingStatusUpdate = (ctx, recording) => ({
  event: 'recording.statusUpdate',
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

/** @param {'LIVE' | 'OFFLINE' | 'IDLE'} status webhook statuses (REST uses LIVE/IDLE/ERRORED/INVOKED) */
export const livestreamStatusUpdate = ({ meeting, app }, livestream, status) => ({
  event: 'livestreaming.statusUpdate',
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

export const transcriptReady = (ctx, link) => ({
  event: 'meeting.transcript',
  meeting: meetingObject(ctx),
  transcriptDownloadUrl: link.url,
  transcriptDownloadUrlExpiry: link.expiry,
});
export const summaryReady = (ctx, link) => ({
  event: 'meeting.summary',
  meeting: meetingObject(ctx),
  summaryDownloadUrl: link.url,
  summaryDownloadUrlExpiry: link.expiry,
});
