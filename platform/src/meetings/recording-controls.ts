/** Start and stop recording from the host controls (§7.9): one recording at a time per meeting. */
import { type RtkClient, type RtkRecording, RtkError } from '@castio/shared/rtk';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, forbidden } from '../http/errors';
import { getOrgSettings, readStorageSecret } from '../org/settings-service';
import { can } from '@castio/shared/rbac';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import { meetingOf } from './access';
import { type CurrentRoom, callRealtimeKitExpecting, currentRoom, requireLiveSession } from './current-room';
import type { MeetingRow } from './queries';
import { compositeRecording } from './recording-config';
import { recordStarted, recordStopped } from './recording-rows';

/** Owners and admins record any meeting, hosts their own (§4.5). */
async function recordableMeeting(env: Env, auth: AuthContext, meetingId: string): Promise<MeetingRow> {
  const meeting = await meetingOf(env, auth, meetingId);
  const allowed =
    can(auth.role, 'recordings.control.any') ||
    (can(auth.role, 'recordings.control.own') && meeting.created_by === auth.userId);
  if (!allowed) throw forbidden('Only the meeting’s host or an administrator can record it.');
  return meeting;
}

interface RecordingPlan {
  type: 'composite' | 'track';
  codec: string | null;
  hasWatermark: boolean;
  storageLocation: string;
  start(rtk: RtkClient): Promise<RtkRecording>;
}

/** Per-track recordings are audio only and go to RTK's bucket: codec, watermark and storage do not apply. */
async function planRecording(env: Env, orgId: string, room: CurrentRoom, perTrack: boolean): Promise<RecordingPlan> {
  if (perTrack)
    return {
      type: 'track',
      codec: null,
      hasWatermark: false,
      storageLocation: 'rtk',
      start: (rtk) => rtk.recordings.startTrack({ meeting_id: room.rtkMeetingId }),
    };
  const settings = await getOrgSettings(env, orgId);
  const storageSecret = settings.recordingStorageProvider === 'r2' ? null : await readStorageSecret(env, orgId);
  const composite = compositeRecording(room.rtkMeetingId, settings, { storageSecret, appBaseUrl: env.APP_BASE_URL });
  return {
    type: 'composite',
    codec: settings.recordingCodec,
    hasWatermark: composite.hasWatermark,
    storageLocation: composite.storageLocation,
    start: (rtk) => withSecretScrubbed(storageSecret, () => rtk.recordings.start(composite.body)),
  };
}

/** RTK's own words reach the caller on a refusal (rtkFailure): they must never repeat the storage secret. */
async function withSecretScrubbed<T>(secret: string | null, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!secret || !(error instanceof RtkError) || !error.message.includes(secret)) throw error;
    const { status, code, method, path, retryAfterSeconds } = error;
    const message = error.message.replaceAll(secret, '[redacted]');
    throw new RtkError({ status, code, method, path, retryAfterSeconds, message });
  }
}

const alreadyRecording = () => new ApiError('already_recording', 'This meeting is already being recorded.');

const runningRecording = (rtk: RtkClient, room: CurrentRoom) =>
  callRealtimeKit('check for a running recording', () => rtk.recordings.active(room.rtkMeetingId));

/** POST …/recording/start: one recording at a time, and only while someone is connected (RTK records a session). */
export async function startRecording(env: Env, auth: AuthContext, meetingId: string, perTrack = false) {
  const meeting = await recordableMeeting(env, auth, meetingId);
  const room = await currentRoom(env, meeting);
  const plan = await planRecording(env, meeting.org_id, room, perTrack);
  const rtk = realtimeKit(env);
  await requireLiveSession(rtk, room);
  if (await runningRecording(rtk, room)) throw alreadyRecording();
  const recording = await callRealtimeKitExpecting('start recording', { conflict: alreadyRecording }, () =>
    plan.start(rtk),
  );
  const facts = { ...plan, meeting, recording, startedBy: auth.userId };
  return recordStarted(env.DB, facts);
}

/** POST …/recording/stop: the running recording stops and uploads. */
export async function stopRecording(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await recordableMeeting(env, auth, meetingId);
  const room = await currentRoom(env, meeting);
  const rtk = realtimeKit(env);
  const running = await runningRecording(rtk, room);
  if (!running) throw new ApiError('not_recording', 'Nothing is being recorded in this meeting.');
  const recording = await callRealtimeKit('stop the recording', () => rtk.recordings.stop(running.id));
  // A recording RTK started by itself (record on start) may not have a row yet: it is made as a composite one.
  const facts = {
    meeting,
    recording,
    type: 'composite' as const,
    codec: recording.video_config?.codec ?? null,
    hasWatermark: false,
    storageLocation: 'rtk',
    startedBy: null,
  };
  return recordStopped(env.DB, facts);
}
