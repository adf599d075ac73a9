/**
 * Our `recordings` row of a recording the host controls started or stopped. It is keyed by RTK's recording id like
 * the webhook handler's, so whichever writes first creates it; RTK's status webhooks stay in charge of its status.
 */
import type { RtkRecording } from '@castio/shared/rtk';
import { RECORDING_STATUSES, type RecordingStatus } from './host-control-schemas';
import {
  type HostRecording,
  type MeetingRow,
  type RecordingControlRow,
  upsertStartedRecording,
  upsertStoppedRecording,
} from './queries';

/** RTK's status in our column's terms; a paused recording is still a recording. */
function statusOf(recording: RtkRecording): RecordingStatus {
  const status = recording.status?.toLowerCase().replace('paused', 'recording');
  return RECORDING_STATUSES.find((known) => known === status) ?? 'invoked';
}

export interface RecordingFacts {
  meeting: MeetingRow;
  recording: RtkRecording;
  type: 'composite' | 'track';
  codec: string | null;
  hasWatermark: boolean;
  storageLocation: string;
  startedBy: string | null;
}

const toRow = (facts: RecordingFacts): HostRecording => ({
  orgId: facts.meeting.org_id,
  meetingId: facts.meeting.id,
  rtkRecordingId: facts.recording.id,
  type: facts.type,
  status: statusOf(facts.recording),
  codec: facts.codec,
  storageLocation: facts.storageLocation,
  hasWatermark: facts.hasWatermark,
  startedBy: facts.startedBy,
  startedAt: facts.recording.started_time,
  endedAt: facts.recording.stopped_time,
});

const toRecordingControl = (row: RecordingControlRow) => ({
  id: row.id,
  rtkRecordingId: row.rtk_recording_id,
  recordingType: row.recording_type,
  status: row.status,
  codec: row.codec,
  hasWatermark: row.has_watermark === 1,
  storageLocation: row.storage_location,
});

export const recordStarted = async (db: D1Database, facts: RecordingFacts) =>
  toRecordingControl((await upsertStartedRecording(db, toRow(facts)))!);

export const recordStopped = async (db: D1Database, facts: RecordingFacts) =>
  toRecordingControl((await upsertStoppedRecording(db, toRow(facts)))!);
