// What the RealtimeKit tests read from the local cloud's RTK routes, control routes and webhooks: only the
// fields they use, named after RTK's own (snake_case REST, camelCase webhook payloads and ground truth).

export interface RtkEnvelope<Data = unknown> {
  success: boolean;
  data: Data;
  paging?: { total_count: number; start_offset: number; end_offset: number };
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

/** `POST /__local/rtk/sessions/play`: the ground truth of a played session. */
export interface PlayedSession {
  sessionId: string;
  events: string[];
  participants: { peerId: string; customParticipantId: string; joinedAt: string; leftAt: string }[];
  recording: { statuses: string[] };
  chat: { messages: number };
  webhooks: { event: string; trueIndex: number; dropped: boolean; duplicated: boolean }[];
}

/** `GET /__local/rtk/webhook-deliveries`. */
export interface DeliveryLog {
  deliveries: { id: string; event: string; status: string; attempts: { status: number }[] }[];
}

/** A webhook body as RTK sends it; which fields exist depends on `event`. */
export interface RtkWebhookBody {
  event: string;
  reason?: string;
  meeting?: { id: string };
  recording?: { status: string };
  transcriptDownloadUrl?: string;
}
