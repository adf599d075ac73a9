/**
 * RTK webhook bodies (docs/rtk.md#webhook-events–2.4), parsed leniently into one normalised shape per event. Pure: no I/O.
 * The official samples disagree with themselves (string file sizes, `LIVE` on ended meetings), so fields are
 * read defensively and lifecycle state is never taken from `meeting.status`.
 */

interface Base {
  rtkMeetingId: string;
}
export interface MeetingLifecycleEvent extends Base {
  type: 'meeting.started' | 'meeting.ended';
  rtkSessionId: string;
  title: string | null;
  startedAt: string | null;
  endedAt: string | null;
  reason: string | null;
}
export interface ParticipantEvent extends Base {
  type: 'meeting.participantJoined' | 'meeting.participantLeft';
  rtkSessionId: string;
  peerId: string;
  displayName: string | null;
  customParticipantId: string | null;
  joinedAt: string | null;
  leftAt: string | null;
  sessionStartedAt: string | null;
}
export interface ChatSyncedEvent extends Base {
  type: 'meeting.chatSynced';
  rtkSessionId: string;
  downloadUrl: string | null;
  downloadUrlExpiry: string | null;
  startedAt: string | null;
  endedAt: string | null;
}
export type RecordingStatus = 'invoked' | 'recording' | 'paused' | 'uploading' | 'uploaded' | 'errored';
export interface RecordingEvent extends Base {
  type: 'recording.statusUpdate';
  rtkSessionId: string | null;
  recordingId: string;
  status: RecordingStatus;
  downloadUrl: string | null;
  downloadUrlExpiry: string | null;
  startedAt: string | null;
  stoppedAt: string | null;
  fileSizeBytes: number | null;
  durationSeconds: number | null;
}
export interface LivestreamEvent extends Base {
  type: 'livestreaming.statusUpdate';
  streamId: string;
  status: string;
  playbackUrl: string | null;
}
export interface DownloadEvent extends Base {
  type: 'meeting.transcript' | 'meeting.summary';
  rtkSessionId: string;
  downloadUrl: string | null;
  downloadUrlExpiry: string | null;
  sessionStartedAt: string | null;
}
export type RtkEvent =
  | MeetingLifecycleEvent
  | ParticipantEvent
  | ChatSyncedEvent
  | RecordingEvent
  | LivestreamEvent
  | DownloadEvent;

/** What is indexed on the raw row, readable even when the rest of the body is not understood. */
export interface EventEnvelope {
  eventType: string;
  rtkMeetingId: string | null;
  rtkSessionId: string | null;
}

export class PayloadError extends Error {
  override name = 'PayloadError';
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const obj = (value: unknown): Obj => (isObj(value) ? value : {});

function str(value: unknown, max = 512): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed && trimmed.length <= max ? trimmed : null;
}

/** ISO-8601 UTC from an ISO string or epoch milliseconds; null when absent or unparseable. */
export function isoTime(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (typeof value === 'string' && !value.trim()) return null;
  const date = new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
  const time = date.getTime();
  // Reject nonsense years: RTK timestamps are recent, and far-off values would poison durations.
  if (!Number.isFinite(time) || time < Date.UTC(2000, 0, 1) || time > Date.UTC(2200, 0, 1)) return null;
  return date.toISOString();
}

function num(value: unknown): number | null {
  const parsed = typeof value === 'string' && value.trim() ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : null;
}

function required(value: string | null, field: string): string {
  if (!value) throw new PayloadError(`The ${field} field is missing.`);
  return value;
}

/** The indexed fields of any body: event name, RTK meeting and session ids (either flat or under `meeting`). */
export function readEnvelope(body: unknown): EventEnvelope {
  const root = obj(body);
  const meeting = obj(root.meeting);
  return {
    eventType: str(root.event, 64) ?? 'unknown',
    rtkMeetingId: str(meeting.id) ?? str(root.meetingId),
    rtkSessionId: str(meeting.sessionId) ?? str(root.sessionId) ?? str(obj(root.recording).sessionId),
  };
}

const RECORDING_STATUSES: Record<string, RecordingStatus> = {
  INVOKED: 'invoked',
  RECORDING: 'recording',
  PAUSED: 'paused',
  UPLOADING: 'uploading',
  UPLOADED: 'uploaded',
  ERRORED: 'errored',
};

/** Parses a body whose event type is one of the nine; throws PayloadError when required ids are missing. */
export function parseEvent(body: unknown): RtkEvent {
  const root = obj(body);
  const envelope = readEnvelope(body);
  const meeting = obj(root.meeting);
  const rtkMeetingId = required(envelope.rtkMeetingId, 'meeting id');
  switch (envelope.eventType) {
    case 'meeting.started':
    case 'meeting.ended':
      return {
        type: envelope.eventType,
        rtkMeetingId,
        rtkSessionId: required(envelope.rtkSessionId, 'session id'),
        title: str(meeting.title, 500),
        startedAt: isoTime(meeting.startedAt),
        endedAt: envelope.eventType === 'meeting.ended' ? isoTime(meeting.endedAt) : null,
        reason: str(root.reason, 64),
      };
    case 'meeting.participantJoined':
    case 'meeting.participantLeft': {
      const participant = obj(root.participant);
      return {
        type: envelope.eventType,
        rtkMeetingId,
        rtkSessionId: required(envelope.rtkSessionId, 'session id'),
        peerId: required(str(participant.peerId) ?? str(participant.id), 'participant peer id'),
        displayName: str(participant.userDisplayName, 200) ?? str(participant.displayName, 200),
        customParticipantId: str(participant.customParticipantId, 200) ?? str(participant.clientSpecificId, 200),
        joinedAt: isoTime(participant.joinedAt),
        leftAt: envelope.eventType === 'meeting.participantLeft' ? isoTime(participant.leftAt) : null,
        sessionStartedAt: isoTime(meeting.startedAt),
      };
    }
    case 'meeting.chatSynced':
      return {
        type: 'meeting.chatSynced',
        rtkMeetingId,
        rtkSessionId: required(envelope.rtkSessionId, 'session id'),
        downloadUrl: str(root.chatDownloadUrl, 4096),
        downloadUrlExpiry: isoTime(root.chatDownloadUrlExpiry),
        startedAt: isoTime(root.startedAt),
        endedAt: isoTime(root.endedAt),
      };
    case 'recording.statusUpdate': {
      const recording = obj(root.recording);
      const status = RECORDING_STATUSES[String(recording.status ?? '').toUpperCase()];
      if (!status) throw new PayloadError('The recording status is not one RTK documents.');
      return {
        type: 'recording.statusUpdate',
        rtkMeetingId,
        rtkSessionId: envelope.rtkSessionId,
        recordingId: required(str(recording.id) ?? str(recording.recordingId), 'recording id'),
        status,
        downloadUrl: str(recording.downloadUrl, 4096),
        downloadUrlExpiry: isoTime(recording.downloadUrlExpiry),
        startedAt: isoTime(recording.startedTime),
        stoppedAt: isoTime(recording.stoppedTime),
        fileSizeBytes: num(recording.fileSize),
        durationSeconds: num(recording.recordingDuration),
      };
    }
    case 'livestreaming.statusUpdate':
      // The stream key is a credential: it is never read, let alone stored outside the raw event.
      return {
        type: 'livestreaming.statusUpdate',
        rtkMeetingId,
        streamId: required(str(root.streamId) ?? str(root.livestreamId), 'stream id'),
        status: (str(root.status, 32) ?? 'UNKNOWN').toUpperCase(),
        playbackUrl: str(root.playbackUrl, 4096),
      };
    case 'meeting.transcript':
    case 'meeting.summary': {
      const prefix = envelope.eventType === 'meeting.transcript' ? 'transcript' : 'summary';
      return {
        type: envelope.eventType,
        rtkMeetingId,
        rtkSessionId: required(envelope.rtkSessionId, 'session id'),
        downloadUrl: str(root[`${prefix}DownloadUrl`], 4096),
        downloadUrlExpiry: isoTime(root[`${prefix}DownloadUrlExpiry`]),
        sessionStartedAt: isoTime(meeting.startedAt),
      };
    }
    default:
      throw new PayloadError(`Unknown event type ${envelope.eventType}.`);
  }
}

/** A short, PII-free description of an event for the deliveries dashboard: ids and statuses, no names. */
export function summarizeEvent(envelope: EventEnvelope, body: unknown): string {
  const root = obj(body);
  const parts = [envelope.eventType];
  if (envelope.rtkMeetingId) parts.push(`meeting=${envelope.rtkMeetingId}`);
  if (envelope.rtkSessionId) parts.push(`session=${envelope.rtkSessionId}`);
  const recording = obj(root.recording);
  if (str(recording.id)) parts.push(`recording=${str(recording.id)} status=${str(recording.status, 32)}`);
  const peer = str(obj(root.participant).peerId);
  if (peer) parts.push(`peer=${peer}`);
  if (str(root.streamId)) parts.push(`stream=${str(root.streamId)} status=${str(root.status, 32)}`);
  if (str(root.reason, 64)) parts.push(`reason=${str(root.reason, 64)}`);
  return parts.join(' ').slice(0, 500);
}
