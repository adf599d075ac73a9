// RealtimeKit's objects as the state keeps them (snake_case, as RTK's REST API shows them, plus what the local
// cloud needs: owning app, a session's peers and content, a recording's history).
import type { z } from 'zod';
import type {
  audioConfig,
  meetingCreate,
  presetCreate,
  recordingStart,
  trackRecordingStart,
  videoConfig,
  WebhookEvent,
} from '../realtimekit/rtk-schemas.ts';

export interface RtkState {
  apps: RtkApp[];
  presets: Preset[];
  meetings: Meeting[];
  participants: Participant[];
  sessions: Session[];
  recordings: Recording[];
  livestreams: Livestream[];
  webhooks: Webhook[];
}

export interface RtkApp {
  id: string;
  name: string;
  created_at: string;
}

type PresetBody = z.infer<typeof presetCreate>;

export interface Preset {
  id: string;
  app_id: string;
  name: string;
  config: PresetBody['config'];
  permissions: PresetBody['permissions'];
  ui: PresetBody['ui'];
  created_at: string;
  updated_at: string;
}

type MeetingBody = z.infer<typeof meetingCreate>;

/** Other fields of the create body are kept as sent, as RTK does. */
export interface Meeting {
  id: string;
  app_id: string;
  title: string | null;
  record_on_start: boolean;
  live_stream_on_start: boolean;
  persist_chat: boolean;
  transcribe_on_end: boolean;
  summarize_on_end: boolean;
  session_keep_alive_time_in_secs: number;
  ai_config: NonNullable<MeetingBody['ai_config']>;
  recording_config: NonNullable<MeetingBody['recording_config']> | null;
  status: 'ACTIVE' | 'INACTIVE';
  created_at: string;
  updated_at: string;
}

export interface Participant {
  id: string;
  app_id: string;
  meeting_id: string;
  custom_participant_id: string;
  name: string | null;
  picture: string | null;
  preset_id: string;
  preset_name: string;
  /** The latest auth token issued. */
  token: string;
  created_at: string;
  updated_at: string;
}

export interface Session {
  id: string;
  app_id: string;
  meeting_id: string;
  meeting_display_name: string | null;
  status: 'LIVE' | 'ENDED';
  type: 'meeting';
  created_at: string;
  started_at: string;
  updated_at: string;
  ended_at: string | null;
  max_concurrent_participants: number;
  /** Every join is a peer; a participant who joins twice has two. */
  peers: Peer[];
  chat: ChatMessage[];
  transcript: TranscriptLine[];
  summary: string | null;
  /** When each post-meeting file became available. */
  artifacts: Partial<Record<'chat' | 'transcript' | 'summary', string>>;
}

export interface Peer {
  peer_id: string;
  participant_id: string;
  custom_participant_id: string;
  display_name: string;
  preset_name: string;
  joined_at: string;
  left_at: string | null;
}

export interface ChatMessage {
  id: string;
  peer_id: string;
  participant_id: string;
  display_name: string;
  custom_participant_id: string;
  text: string;
  created_at: string;
  pinned: boolean;
  is_edited: boolean;
  type: 'text';
}

/** camelCase, as RTK's transcript files are. */
export interface TranscriptLine {
  id: string;
  name: string;
  peerId: string;
  userId: string;
  customParticipantId: string;
  transcript: string;
  isPartialTranscript: boolean;
  timestamp: number;
}

export type RecordingStatus = 'INVOKED' | 'RECORDING' | 'PAUSED' | 'UPLOADING' | 'UPLOADED' | 'ERRORED';

export interface RecordingReason {
  reason: string;
  caller: { type: 'ORGANIZATION'; name: 'API'; user_Id: null };
}

type RecordingBody = z.infer<typeof recordingStart>;

export interface Recording {
  id: string;
  app_id: string;
  meeting_id: string;
  session_id: string;
  type: 'composite' | 'track';
  status: RecordingStatus;
  invoked_time: string;
  started_time: string | null;
  stopped_time: string | null;
  /** Seconds. */
  recording_duration: number | null;
  file_size: number | null;
  output_file_name: string | null;
  download_url: string | null;
  audio_download_url: string | null;
  download_url_expiry: string | null;
  file_name_prefix: string | null;
  max_seconds: number | null;
  video_config: z.infer<typeof videoConfig>;
  audio_config: z.infer<typeof audioConfig>;
  /** Without its credentials. */
  storage_config: Partial<NonNullable<RecordingBody['storage_config']>> | null;
  realtimekit_bucket_config: { enabled: boolean };
  rtmp_out_config: { rtmp_url: string } | null;
  start_reason: RecordingReason;
  stop_reason: RecordingReason | null;
  history: { status: RecordingStatus; at: string }[];
  /** Moved on by its caller (the session player) instead of by timers. */
  managed: boolean;
  /** Track recordings. */
  user_ids?: string[];
  layers?: NonNullable<z.infer<typeof trackRecordingStart>['layers']>;
}

export interface Livestream {
  id: string;
  app_id: string;
  meeting_id: string;
  name: string | null;
  status: 'LIVE' | 'IDLE';
  ingest_server: string;
  stream_key: string;
  playback_url: string;
  disabled: boolean;
  video_config: { width?: number; height?: number };
  created_at: string;
  updated_at: string;
  sessions: LivestreamSession[];
}

export interface LivestreamSession {
  id: string;
  livestream_id: string;
  meeting_session_id: string | null;
  started_time: string;
  stopped_time: string | null;
  ingest_seconds: number;
  viewer_seconds: number;
  err_message: string | null;
}

export interface Webhook {
  id: string;
  app_id: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  created_at: string;
  updated_at: string;
}
