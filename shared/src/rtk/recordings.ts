import { z } from 'zod';
import { pageQuery, type RtkPage, type RtkPageQuery } from './envelope';
import { lenient, rtkId } from './fields';
import { pathPart, type RtkTransport } from './transport';

export interface RtkVideoConfig {
  codec?: 'H264' | 'VP8' | 'VP9';
  width?: number;
  height?: number;
  export_file?: boolean;
  watermark?: {
    url?: string;
    position?: 'left top' | 'right top' | 'left bottom' | 'right bottom';
    size?: { width?: number; height?: number };
  };
}

export interface RtkAudioConfig {
  /** With VP8/VP9 video RTK forces vorbis. */
  codec?: 'MP3' | 'AAC';
  channel?: 'mono' | 'stereo';
  export_file?: boolean;
}

/** Where the file goes besides (or instead of) RTK's own bucket. Keys and secrets are write-only. */
export interface RtkStorageConfig {
  /** The SDK lists no `cloudflare`, the docs do (for R2); RTK is the judge (docs/rtk.md#recordings). */
  type: 'aws' | 'azure' | 'digitalocean' | 'gcs' | 'sftp' | 'cloudflare';
  bucket?: string;
  path?: string;
  region?: string;
  access_key?: string;
  secret?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  private_key?: string;
  auth_method?: 'KEY' | 'PASSWORD';
}

/** The recording settings a meeting can carry for record-on-start (docs/rtk.md#meetings). */
export interface RtkRecordingConfig {
  audio_config?: RtkAudioConfig;
  video_config?: RtkVideoConfig;
  file_name_prefix?: string;
  max_seconds?: number;
  storage_config?: RtkStorageConfig | null;
  realtimekit_bucket_config?: { enabled: boolean };
  live_streaming_config?: { rtmp_url: string };
}

/** POST /recordings body (docs/rtk.md#recordings). */
export interface RtkRecordingStart {
  meeting_id: string;
  /** Default: one recording per meeting at a time. */
  allow_multiple_recordings?: boolean;
  file_name_prefix?: string;
  /** 60 s … 24 h. */
  max_seconds?: number;
  /** Record this page instead of RTK's default layout. */
  url?: string;
  video_config?: RtkVideoConfig;
  audio_config?: RtkAudioConfig;
  interactive_config?: { type: 'ID3' };
  /** `enabled: false` without a storage_config records nowhere. */
  realtimekit_bucket_config?: { enabled: boolean };
  rtmp_out_config?: { rtmp_url: string };
  storage_config?: RtkStorageConfig | null;
}

/** POST /recordings/track body: per-participant audio, "early beta" (docs/rtk.md#recordings). */
export interface RtkTrackRecordingStart {
  meeting_id: string;
  /** At most 100. */
  user_ids?: string[];
  layers?: Record<string, { file_name_prefix?: string; media_kind?: 'audio' }>;
}

export const rtkRecordingSchema = z.looseObject({
  id: rtkId,
  /** `INVOKED` | `RECORDING` | `PAUSED` | `UPLOADING` | `UPLOADED` | `ERRORED`. */
  status: lenient.string,
  meeting_id: lenient.string,
  session_id: lenient.string,
  invoked_time: lenient.string,
  started_time: lenient.string,
  stopped_time: lenient.string,
  /** Seconds. */
  recording_duration: lenient.number,
  file_size: lenient.number,
  output_file_name: lenient.string,
  /** A URL for composite recordings; for track recordings RTK sends an array of per-layer objects. */
  download_url: z
    .union([z.string(), z.array(z.unknown())])
    .nullable()
    .catch(null),
  audio_download_url: lenient.string,
  download_url_expiry: lenient.string,
  video_config: z
    .looseObject({ codec: lenient.string, width: lenient.number, height: lenient.number })
    .nullable()
    .catch(null),
  audio_config: z.looseObject({ codec: lenient.string, channel: lenient.string }).nullable().catch(null),
  storage_config: z.looseObject({ type: lenient.string }).nullable().catch(null),
  start_reason: lenient.object,
  stop_reason: lenient.object,
});
export type RtkRecording = z.output<typeof rtkRecordingSchema>;

export interface RtkRecordingsApi {
  start(input: RtkRecordingStart): Promise<RtkRecording>;
  startTrack(input: RtkTrackRecordingStart): Promise<RtkRecording>;
  /** The recording then uploads: UPLOADING, and UPLOADED (or ERRORED) by webhook. */
  stop(recordingId: string): Promise<RtkRecording>;
  get(recordingId: string): Promise<RtkRecording>;
  list(q?: RtkPageQuery & { meetingId?: string }): Promise<RtkPage<RtkRecording>>;
  /** Null when the meeting is not being recorded (RTK answers 404). */
  active(meetingId: string): Promise<RtkRecording | null>;
}

export function recordingsApi(rtk: RtkTransport): RtkRecordingsApi {
  const one = (id: string) => `/recordings/${pathPart(id)}`;
  return {
    start: (input) =>
      rtk.data(
        {
          method: 'POST',
          path: '/recordings',
          body: input,
          idempotent: false,
          what: `start recording meeting ${input.meeting_id}`,
        },
        rtkRecordingSchema,
      ),
    startTrack: (input) =>
      rtk.data(
        {
          method: 'POST',
          path: '/recordings/track',
          body: input,
          idempotent: false,
          what: `start track recording meeting ${input.meeting_id}`,
        },
        // Unlike the composite start, the track start wraps the recording (docs/rtk.md#base-url-and-auth).
        z.looseObject({ recording: rtkRecordingSchema }).transform((data) => data.recording),
      ),
    stop: (recordingId) =>
      rtk.data(
        {
          method: 'PUT',
          path: one(recordingId),
          body: { action: 'stop' },
          idempotent: true,
          what: `stop recording ${recordingId}`,
        },
        rtkRecordingSchema,
      ),
    get: (recordingId) =>
      rtk.data(
        { method: 'GET', path: one(recordingId), idempotent: true, what: `get recording ${recordingId}` },
        rtkRecordingSchema,
      ),
    list: (q = {}) =>
      rtk.page(
        {
          method: 'GET',
          path: '/recordings',
          query: { ...pageQuery(q), meeting_id: q.meetingId },
          idempotent: true,
          what: 'list recordings',
        },
        z.array(rtkRecordingSchema),
      ),
    active: (meetingId) =>
      rtk.dataOrNull(
        {
          method: 'GET',
          path: `/recordings/active-recording/${pathPart(meetingId)}`,
          idempotent: true,
          what: `get the running recording of meeting ${meetingId}`,
        },
        rtkRecordingSchema,
      ),
  };
}
