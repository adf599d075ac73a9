import { newId } from '@castio/shared/ids';
import type { RtkRecording } from '@castio/shared/rtk';
import { RECORDING_STATUSES, type RecordingStatus } from './host-control-schemas';
import type { MeetingRow } from './queries';

/**
 * Our `recordings` row of a recording the host controls started or stopped. It is keyed by RTK's recording id like
 * the webhook handler's, so whichever writes first creates it; RTK's status webhooks stay in charge of its status.
 */
const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** RTK's status in our column's terms; a paused recording is still a recording. */
function statusOf(recording: RtkRecording): RecordingStatus {
  const status = recording.status?.toLowerCase().replace('paused', 'recording');
  return RECORDING_STATUSES.find((known) => known === status) ?? 'invoked';
}

interface RecordingRow {
  id: string;
  rtk_recording_id: string;
  recording_type: 'composite' | 'track';
  status: RecordingStatus;
  codec: string | null;
  has_watermark: number;
  storage_location: string;
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

/** Inserts the recording's row, or (`onConflict`) merges into the one a webhook wrote first. */
const upsertRecording = (db: D1Database, facts: RecordingFacts, onConflict: string) =>
  db
    .prepare(
      `INSERT INTO recordings (id, org_id, meeting_id, rtk_recording_id, recording_type, status, codec, storage_location,
         has_watermark, started_by, started_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rtk_recording_id) DO UPDATE SET ${onConflict}, updated_at = ${NOW}
       WHERE recordings.org_id = excluded.org_id
       RETURNING *`,
    )
    .bind(
      newId(),
      facts.meeting.org_id,
      facts.meeting.id,
      facts.recording.id,
      facts.type,
      statusOf(facts.recording),
      facts.codec,
      facts.storageLocation,
      facts.hasWatermark ? 1 : 0,
      facts.startedBy,
      facts.recording.started_time,
      facts.recording.stopped_time,
    )
    .first<RecordingRow>();

/** Only we know how a recording was started; the status webhooks may already be further along than INVOKED. */
const STARTED_MERGE = `recording_type = excluded.recording_type, codec = COALESCE(excluded.codec, recordings.codec),
  has_watermark = excluded.has_watermark, started_by = excluded.started_by,
  storage_location = CASE WHEN recordings.storage_location = 'rtk' THEN excluded.storage_location
    ELSE recordings.storage_location END`;

/** Stopping moves a live recording on (UPLOADING); a webhook that already reported the upload wins. */
const STOPPED_MERGE = `status = CASE WHEN recordings.status IN ('invoked', 'recording') THEN excluded.status
    ELSE recordings.status END,
  ended_at = COALESCE(recordings.ended_at, excluded.ended_at)`;

const toRecordingControl = (row: RecordingRow) => ({
  id: row.id,
  rtkRecordingId: row.rtk_recording_id,
  recordingType: row.recording_type,
  status: row.status,
  codec: row.codec,
  hasWatermark: row.has_watermark === 1,
  storageLocation: row.storage_location,
});

export const recordStarted = async (db: D1Database, facts: RecordingFacts) =>
  toRecordingControl((await upsertRecording(db, facts, STARTED_MERGE))!);

export const recordStopped = async (db: D1Database, facts: RecordingFacts) =>
  toRecordingControl((await upsertRecording(db, facts, STOPPED_MERGE))!);
