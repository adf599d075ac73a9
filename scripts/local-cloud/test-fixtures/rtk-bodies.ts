// What the RealtimeKit tests read from the local cloud's RTK routes and webhooks: only the fields they use, named
// after RTK's own (snake_case REST, camelCase webhook payloads). The control routes' answers are typed where they
// are made (SessionTruth in session-player/player.ts, Delivery in realtimekit/webhook-dispatcher.ts).
import type { RtkPaging } from '../realtimekit/rtk-envelope.ts';

export interface RtkEnvelope<Data = unknown> {
  success: boolean;
  data: Data;
  paging?: RtkPaging;
}

export interface RtkPreset {
  id: string;
  name: string;
  config: { view_type: string; max_screenshare_count: number };
}

export interface RtkMeeting {
  id: string;
  title: string;
  status: string;
}

export interface RtkParticipant {
  id: string;
  custom_participant_id: string;
  preset_name: string;
  token?: string;
}

export interface RtkRecording {
  id: string;
  status: string;
  download_url: string;
  file_size: number;
}

export interface RtkSession {
  id: string;
  status: string;
  started_at: string;
  ended_at: string;
}

export interface RtkSessionParticipant {
  id: string;
  joined_at: string;
  left_at: string;
}

export interface RtkLivestream {
  id: string;
  status: string;
}

export interface RtkWebhook {
  id: string;
  events: string[];
}

/** A webhook body as RTK sends it; which fields exist depends on `event`. */
export interface RtkWebhookBody {
  event: string;
  reason?: string;
  meeting?: { id: string };
  recording?: { status: string };
  transcriptDownloadUrl?: string;
}
