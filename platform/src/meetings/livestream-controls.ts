/**
 * Livestreaming a meeting (§7.10): RTK gives an RTMP ingest (server + stream key) and an HLS playback URL. The
 * stream key is a credential, so it is never stored here: the host reads it from RTK through these routes.
 */
import type { RtkClient, RtkLivestream } from '@castio/shared/rtk';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import { managedMeeting } from './access';
import { type CurrentRoom, callRealtimeKitExpecting, currentRoom } from './current-room';
import type { Livestream } from './host-control-schemas';
import {
  type HostLivestream,
  type MeetingRow,
  upsertStartedLivestreamStatement,
  upsertStoppedLivestreamStatement,
} from './queries';

/** Webinars and livestreams exist to be streamed; other meetings need their livestreamEnabled setting. */
const mayLivestream = (meeting: MeetingRow) =>
  meeting.livestream_enabled === 1 || meeting.meeting_type === 'webinar' || meeting.meeting_type === 'livestream';

const toLivestream = (stream: RtkLivestream): Livestream => ({
  rtkLivestreamId: stream.id,
  status: stream.status,
  ingestServer: stream.ingest_server,
  streamKey: stream.stream_key,
  playbackUrl: stream.playback_url,
});

const alreadyLive = () => new ApiError('already_livestreaming', 'This meeting is already being livestreamed.');
const notLive = () => new ApiError('not_livestreaming', 'This meeting is not being livestreamed.');

const activeLivestream = (rtk: RtkClient, room: CurrentRoom) =>
  callRealtimeKit('check the livestream', () => rtk.livestreams.active(room.rtkMeetingId));

/** The stream's row, keyed by RTK's id like the webhook handler's; its status webhooks move the status on. */
const livestreamRow = (
  meeting: MeetingRow,
  stream: RtkLivestream,
  fields: { status: string | null; startedBy: string | null; ended: boolean },
): HostLivestream => ({
  orgId: meeting.org_id,
  meetingId: meeting.id,
  rtkLivestreamId: stream.id,
  status: fields.status ?? 'INVOKED',
  rtmpUrl: stream.ingest_server,
  playbackUrl: stream.playback_url,
  startedBy: fields.startedBy,
  // The start answer has no creation time (that is "now"); the active stream's has.
  startedAt: stream.created_at,
  ended: fields.ended,
});

export async function startLivestream(env: Env, auth: AuthContext, meetingId: string): Promise<Livestream> {
  const meeting = await managedMeeting(env, auth, meetingId);
  if (!mayLivestream(meeting))
    throw new ApiError(
      'livestream_disabled',
      'Livestreaming is off for this meeting. Turn on its livestream setting first (webinars and livestreams always allow it).',
    );
  const room = await currentRoom(env, meeting);
  const rtk = realtimeKit(env);
  if (await activeLivestream(rtk, room)) throw alreadyLive();
  const stream = await callRealtimeKitExpecting('start the livestream', { conflict: alreadyLive }, () =>
    rtk.livestreams.start(room.rtkMeetingId, { name: meeting.title }),
  );
  const fields = { status: stream.status, startedBy: auth.userId, ended: false };
  await upsertStartedLivestreamStatement(env.DB, livestreamRow(meeting, stream, fields)).run();
  return toLivestream(stream);
}

export async function stopLivestream(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  const room = await currentRoom(env, meeting);
  const rtk = realtimeKit(env);
  const stream = await activeLivestream(rtk, room);
  if (!stream) throw notLive();
  await callRealtimeKitExpecting('stop the livestream', { not_found: notLive }, () =>
    rtk.livestreams.stop(room.rtkMeetingId),
  );
  const fields = { status: 'IDLE', startedBy: null, ended: true };
  await upsertStoppedLivestreamStatement(env.DB, livestreamRow(meeting, stream, fields)).run();
  return { live: false, livestream: null };
}

export async function livestreamStatus(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  const room = await currentRoom(env, meeting);
  const stream = await activeLivestream(realtimeKit(env), room);
  return { live: stream !== null, livestream: stream ? toLivestream(stream) : null };
}
