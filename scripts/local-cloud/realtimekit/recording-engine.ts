// Recordings of a meeting's live session: INVOKED → RECORDING (→ PAUSED → RECORDING) → UPLOADING → UPLOADED (or
// ERRORED), each step firing recording.statusUpdate. Recordings started through the REST API move on by
// themselves after short delays; the session player's (`managed`) wait to be moved.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Recording, RecordingReason, RecordingStatus } from '../state/rtk-records.ts';
import { type EngineContext, isoAt, type Moment } from './engine-context.ts';
import { RtkApiError } from './rtk-envelope.ts';
import type { recordingStart } from './rtk-schemas.ts';
import * as payloads from './webhook-payloads.ts';

export const RECORDING_URL_TTL_SECONDS = 7 * 24 * 3600;

/** A recording's start: the REST body, or a meeting's `recording_config` (record_on_start). */
export type RecordingRequest = z.infer<typeof recordingStart>;

const ACTIVE: RecordingStatus[] = ['INVOKED', 'RECORDING', 'PAUSED'];

export const isActiveRecording = (r: Recording) => ACTIVE.includes(r.status);

const byApi = (reason: string): RecordingReason => ({
  reason,
  caller: { type: 'ORGANIZATION', name: 'API', user_Id: null },
});

export class RecordingEngine {
  readonly context: EngineContext;
  /** Delays for recordings started through the REST API: INVOKED → RECORDING, UPLOADING → UPLOADED. */
  readonly autoAdvance = { recordingStartMs: 300, uploadMs: 600 };
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(context: EngineContext) {
    this.context = context;
  }

  /** Starts a composite recording of the meeting's live session (status INVOKED). */
  start(
    appId: string,
    body: RecordingRequest,
    {
      at,
      reason = 'API_CALL',
      managed = false,
    }: { at?: Moment; reason?: 'API_CALL' | 'RECORD_ON_START'; managed?: boolean } = {},
  ): Recording {
    const when = isoAt(at);
    const { meeting, session } = this.context.context(body.meeting_id);
    if (meeting.app_id !== appId) throw new RtkApiError(404, `Meeting ${body.meeting_id} not found`);
    if (!session) throw new RtkApiError(400, 'The meeting has no active session to record.');
    const running = this.context.rtk().recordings.some((r) => r.meeting_id === meeting.id && isActiveRecording(r));
    if (running && !body.allow_multiple_recordings)
      throw new RtkApiError(409, 'A recording is already running for this meeting.');
    const recording: Recording = {
      id: randomUUID(),
      app_id: appId,
      meeting_id: meeting.id,
      session_id: session.id,
      type: 'composite',
      status: 'INVOKED',
      invoked_time: when,
      started_time: null,
      stopped_time: null,
      recording_duration: null,
      file_size: null,
      output_file_name: null,
      download_url: null,
      audio_download_url: null,
      download_url_expiry: null,
      file_name_prefix: body.file_name_prefix ?? null,
      max_seconds: body.max_seconds ?? null,
      video_config: { codec: 'H264', width: 1280, height: 720, export_file: true, ...(body.video_config ?? {}) },
      audio_config: { codec: 'AAC', channel: 'stereo', export_file: true, ...(body.audio_config ?? {}) },
      storage_config: body.storage_config ? withoutCredentials(body.storage_config) : null,
      realtimekit_bucket_config: body.realtimekit_bucket_config ?? { enabled: true },
      rtmp_out_config: body.rtmp_out_config ?? null,
      start_reason: byApi(reason),
      stop_reason: null,
      history: [{ status: 'INVOKED', at: when }],
      managed,
    };
    this.context.store.transact((s) => {
      s.rtk.recordings.push(recording);
    });
    if (!managed) this.#advanceLater(recording.id, 'INVOKED', 'RECORDING', this.autoAdvance.recordingStartMs);
    return recording;
  }

  /**
   * Moves a recording to its next status (INVOKED → RECORDING; UPLOADING → UPLOADED, or ERRORED) and fires
   * recording.statusUpdate.
   */
  setStatus(recordingId: string, status: Exclude<RecordingStatus, 'INVOKED'>, { at }: { at?: Moment } = {}): Recording {
    const when = isoAt(at);
    const updated = this.context.update('recordings', recordingId, (rec, rtk) => {
      rec.status = status;
      rec.history.push({ status, at: when });
      if (status === 'RECORDING' && !rec.started_time) rec.started_time = when;
      if (status === 'UPLOADING' && !rec.stopped_time) rec.stopped_time = when;
      if (status === 'UPLOADED' || status === 'ERRORED') {
        rec.stopped_time ??= when;
        rec.recording_duration = rec.started_time
          ? Math.max(1, Math.round((Date.parse(rec.stopped_time) - Date.parse(rec.started_time)) / 1000))
          : 0;
      }
      if (status === 'UPLOADED') {
        const meeting = rtk.meetings.find((m) => m.id === rec.meeting_id);
        const prefix = rec.file_name_prefix ? `${rec.file_name_prefix}_` : '';
        const room = meeting ? payloads.roomName(meeting) : rec.meeting_id;
        rec.file_size = fakeRecordingSize(rec.recording_duration);
        rec.output_file_name = `${prefix}${room}_${Date.parse(rec.started_time ?? when)}.mp4`;
        const video = this.context.downloads.create('recording', rec.id, RECORDING_URL_TTL_SECONDS);
        rec.download_url = video.url;
        rec.download_url_expiry = video.expiry;
        rec.audio_download_url = this.context.downloads.create(
          'recording-audio',
          rec.id,
          RECORDING_URL_TTL_SECONDS,
        ).url;
      }
    });
    const ctx = this.context.context(updated.meeting_id, updated.session_id);
    this.context.emit(updated.app_id, payloads.recordingStatusUpdate(ctx, updated));
    return updated;
  }

  /** Stop: RECORDING → UPLOADING (→ UPLOADED at once when `finish`). */
  stop(
    recordingId: string,
    { at, reason = 'API_CALL', finish = false }: { at?: Moment; reason?: string; finish?: boolean } = {},
  ): Recording {
    const rec = this.context.find('recordings', recordingId);
    if (!isActiveRecording(rec)) throw new RtkApiError(400, `Recording is ${rec.status}; it cannot be stopped.`);
    const when = isoAt(at);
    if (rec.status === 'INVOKED') this.setStatus(recordingId, 'RECORDING', { at: when });
    this.context.update('recordings', recordingId, (r) => {
      r.stop_reason = byApi(reason);
    });
    const uploading = this.setStatus(recordingId, 'UPLOADING', { at: when });
    if (finish) return this.setStatus(recordingId, 'UPLOADED', { at: when });
    if (!rec.managed) this.#advanceLater(recordingId, 'UPLOADING', 'UPLOADED', this.autoAdvance.uploadMs);
    return uploading;
  }

  /** Stops every active recording of a meeting (its session ended). */
  stopAll(meetingId: string, options: { at: Moment; reason: string; finish: boolean }): void {
    const active = this.context.rtk().recordings.filter((r) => r.meeting_id === meetingId && isActiveRecording(r));
    for (const rec of active) this.stop(rec.id, options);
  }

  /** After `ms`, moves the recording `from` → `to`, unless it moved on meanwhile. */
  #advanceLater(recordingId: string, from: RecordingStatus, to: Exclude<RecordingStatus, 'INVOKED'>, ms: number) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      try {
        if (this.context.rtk().recordings.find((r) => r.id === recordingId)?.status === from)
          this.setStatus(recordingId, to);
      } catch {
        // the recording moved on meanwhile
      }
    }, ms);
    this.#timers.add(timer);
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

/** A recording as RTK's REST API shows it. */
export function recordingView(rec: Recording) {
  const { history, app_id, file_name_prefix, managed, ...shown } = rec;
  return shown;
}

/** The storage config as kept: credentials are write-only. */
function withoutCredentials(config: NonNullable<RecordingRequest['storage_config']>) {
  const { access_key, secret, password, private_key, ...kept } = config;
  return kept;
}

/** Bytes of the fake recording file: small, but grows with the duration. */
export const fakeRecordingSize = (seconds: number | null) => Math.min(65_536, 1024 + (seconds ?? 0) * 16);
