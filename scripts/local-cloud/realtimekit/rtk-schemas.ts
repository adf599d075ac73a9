// Request bodies RealtimeKit accepts (docs/rtk.md), as zod schemas. Objects are loose (unknown keys are kept,
// as RTK ignores them) but every documented field is type- and enum-checked.
import { z } from 'zod';
import { RtkApiError } from './rtk-envelope.ts';

export const WEBHOOK_EVENTS = [
  'meeting.started',
  'meeting.ended',
  'meeting.participantJoined',
  'meeting.participantLeft',
  'meeting.chatSynced',
  'recording.statusUpdate',
  'livestreaming.statusUpdate',
  'meeting.transcript',
  'meeting.summary',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const quality = z.enum(['hd', 'vga', 'qvga', 'fhd', 'uhd']);
const canProduce = z.enum(['ALLOWED', 'NOT_ALLOWED', 'CAN_REQUEST']);
const bool = z.boolean();

const presetConfig = z.looseObject({
  view_type: z.enum(['GROUP_CALL', 'WEBINAR', 'AUDIO_ROOM', 'LIVESTREAM']),
  max_screenshare_count: z.number().int().min(0),
  max_video_streams: z.looseObject({ desktop: z.number().int().min(0), mobile: z.number().int().min(0) }),
  livestream_viewer_qualities: z.array(z.number()).nullable().optional(),
  media: z.looseObject({
    video: z.looseObject({ quality, frame_rate: z.number().int().positive(), simulcast: bool.optional() }),
    screenshare: z.looseObject({ quality, frame_rate: z.number().int().positive() }),
    audio: z.looseObject({ enable_high_bitrate: bool.optional(), enable_stereo: bool.optional() }).optional(),
  }),
});

const presetPermissions = z.looseObject({
  accept_waiting_requests: bool.optional(),
  can_accept_production_requests: bool.optional(),
  can_change_participant_permissions: bool.optional(),
  can_edit_display_name: bool.optional(),
  can_livestream: bool.optional(),
  can_record: bool.optional(),
  can_spotlight: bool.optional(),
  disable_participant_audio: bool.optional(),
  disable_participant_screensharing: bool.optional(),
  disable_participant_video: bool.optional(),
  hidden_participant: bool.optional(),
  kick_participant: bool.optional(),
  pin_participant: bool.optional(),
  show_participant_list: bool.optional(),
  accept_stage_requests: bool.optional(),
  is_recorder: bool.optional(),
  stage_enabled: bool.optional(),
  transcription_enabled: bool.optional(),
  stage_access: canProduce.optional(),
  recorder_type: z.enum(['RECORDER', 'LIVESTREAMER', 'NONE']),
  waiting_room_type: z.enum(['SKIP', 'ON_PRIVILEGED_USER_ENTRY', 'SKIP_ON_ACCEPT']),
  chat: z
    .looseObject({
      public: z.looseObject({ can_send: bool, text: bool, files: bool }).optional(),
      private: z.looseObject({ can_send: bool, can_receive: bool, text: bool, files: bool }).optional(),
    })
    .optional(),
  connected_meetings: z
    .looseObject({
      can_alter_connected_meetings: bool,
      can_switch_connected_meetings: bool,
      can_switch_to_parent_meeting: bool,
    })
    .optional(),
  media: z
    .looseObject({
      audio: z.looseObject({ can_produce: canProduce }).optional(),
      video: z.looseObject({ can_produce: canProduce }).optional(),
      screenshare: z.looseObject({ can_produce: canProduce }).optional(),
    })
    .optional(),
  plugins: z
    .looseObject({
      can_close: bool,
      can_edit_config: bool,
      can_start: bool,
      config: z
        .record(
          z.string(),
          z.looseObject({
            access_control: z.enum(['FULL_ACCESS', 'VIEW_ONLY']).optional(),
            handles_view_only: bool.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  polls: z.looseObject({ can_create: bool, can_view: bool, can_vote: bool }).optional(),
});

const colorScale = (keys: string[]) => z.looseObject(Object.fromEntries(keys.map((k) => [k, z.string()])));
const presetUi = z.looseObject({
  design_tokens: z.looseObject({
    border_radius: z.enum(['sharp', 'rounded', 'extra-rounded', 'circular']).optional(),
    border_width: z.enum(['none', 'thin', 'fat']).optional(),
    spacing_base: z.number().optional(),
    theme: z.enum(['darkest', 'dark', 'light']).optional(),
    font_family: z.string().optional(),
    google_font: z.string().optional(),
    logo: z.string().optional(),
    colors: z
      .looseObject({
        brand: colorScale(['300', '400', '500', '600', '700']).optional(),
        background: colorScale(['600', '700', '800', '900', '1000']).optional(),
        text: z.string().optional(),
        text_on_brand: z.string().optional(),
        video_bg: z.string().optional(),
        danger: z.string().optional(),
        success: z.string().optional(),
        warning: z.string().optional(),
      })
      .optional(),
  }),
  config_diff: z.unknown().optional(),
});

const presetName = z.string().min(1).max(255);
export const presetCreate = z.looseObject({
  name: presetName,
  config: presetConfig,
  permissions: presetPermissions,
  ui: presetUi,
});
export const presetPatch = z.looseObject({
  name: presetName.optional(),
  config: presetConfig.partial().optional(),
  permissions: presetPermissions.partial().optional(),
  ui: presetUi.partial().optional(),
});

const storageConfig = z.looseObject({
  type: z.enum(['aws', 'azure', 'digitalocean', 'gcs', 'sftp', 'cloudflare']),
  bucket: z.string().optional(),
  path: z.string().optional(),
  region: z.string().optional(),
  access_key: z.string().optional(),
  secret: z.string().optional(),
  host: z.string().optional(),
  port: z.number().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  private_key: z.string().optional(),
  auth_method: z.enum(['KEY', 'PASSWORD']).optional(),
  account_id: z.string().optional(),
});

export const videoConfig = z.looseObject({
  codec: z.enum(['H264', 'VP8', 'VP9']).optional(),
  width: z.number().int().min(1).max(1920).optional(),
  height: z.number().int().min(1).max(1920).optional(),
  export_file: bool.optional(),
  watermark: z
    .looseObject({
      url: z.string().url().optional(),
      position: z.enum(['left top', 'right top', 'left bottom', 'right bottom']).optional(),
      size: z
        .looseObject({ width: z.number().int().positive().optional(), height: z.number().int().positive().optional() })
        .optional(),
    })
    .optional(),
});
export const audioConfig = z.looseObject({
  codec: z.enum(['MP3', 'AAC']).optional(),
  channel: z.enum(['mono', 'stereo']).optional(),
  export_file: bool.optional(),
});

const recordingConfig = z.looseObject({
  audio_config: audioConfig.optional(),
  video_config: videoConfig.optional(),
  file_name_prefix: z.string().optional(),
  max_seconds: z.number().int().min(60).max(86400).optional(),
  storage_config: storageConfig.nullable().optional(),
  realtimekit_bucket_config: z.looseObject({ enabled: bool }).optional(),
  live_streaming_config: z.looseObject({ rtmp_url: z.string() }).optional(),
});

const aiConfig = z.looseObject({
  transcription: z
    .looseObject({
      language: z.string().min(2).max(10).optional(),
      keywords: z.array(z.string()).optional(),
      profanity_filter: bool.optional(),
    })
    .optional(),
  summarization: z
    .looseObject({
      summary_type: z
        .enum([
          'general',
          'team_meeting',
          'sales_call',
          'client_check_in',
          'interview',
          'daily_standup',
          'one_on_one_meeting',
          'lecture',
          'code_review',
        ])
        .optional(),
      text_format: z.enum(['plain_text', 'markdown']).optional(),
      word_limit: z.number().int().min(150).max(1000).optional(),
    })
    .optional(),
});

const meetingFields = {
  title: z.string().max(500).nullable().optional(),
  record_on_start: bool.optional(),
  live_stream_on_start: bool.optional(),
  persist_chat: bool.optional(),
  transcribe_on_end: bool.optional(),
  summarize_on_end: bool.optional(),
  session_keep_alive_time_in_secs: z.number().int().min(60).max(600).optional(),
  recording_config: recordingConfig.optional(),
  ai_config: aiConfig.optional(),
};
export const meetingCreate = z.looseObject(meetingFields);
export const meetingPatch = z.looseObject({ ...meetingFields, status: z.enum(['ACTIVE', 'INACTIVE']).optional() });

export const participantCreate = z.looseObject({
  preset_name: z.string().min(1),
  custom_participant_id: z.string().min(1).max(255),
  name: z.string().max(255).nullable().optional(),
  picture: z.string().url().nullable().optional(),
});
export const participantPatch = z.looseObject({
  preset_name: z.string().min(1).optional(),
  name: z.string().max(255).nullable().optional(),
  picture: z.string().url().nullable().optional(),
});

export const recordingStart = z.looseObject({
  meeting_id: z.string().min(1),
  allow_multiple_recordings: bool.optional(),
  file_name_prefix: z.string().optional(),
  max_seconds: z.number().int().min(60).max(86400).optional(),
  url: z.string().url().optional(),
  video_config: videoConfig.optional(),
  audio_config: audioConfig.optional(),
  interactive_config: z.looseObject({ type: z.literal('ID3') }).optional(),
  realtimekit_bucket_config: z.looseObject({ enabled: bool }).optional(),
  rtmp_out_config: z.looseObject({ rtmp_url: z.string() }).optional(),
  storage_config: storageConfig.nullable().optional(),
});
export const recordingAction = z.looseObject({ action: z.enum(['stop', 'pause', 'resume']) });
export const trackRecordingStart = z.looseObject({
  meeting_id: z.string().min(1),
  user_ids: z.array(z.string()).max(100).optional(),
  layers: z
    .record(
      z.string(),
      z.looseObject({ file_name_prefix: z.string().optional(), media_kind: z.literal('audio').optional() }),
    )
    .optional(),
});

export const livestreamStart = z.looseObject({
  name: z.string().nullable().optional(),
  video_config: z
    .looseObject({ width: z.number().int().positive().optional(), height: z.number().int().positive().optional() })
    .optional(),
});

const webhookUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'url must be http(s)');
const events = z.array(z.enum(WEBHOOK_EVENTS)).min(1);
export const webhookCreate = z.looseObject({
  name: z.string().min(1).max(255),
  url: webhookUrl,
  events,
  enabled: bool.optional(),
});
export const webhookPatch = z.looseObject({
  name: z.string().min(1).max(255).optional(),
  url: webhookUrl.optional(),
  events: events.optional(),
  enabled: bool.optional(),
});

export const kickBody = z.looseObject({
  participant_ids: z.array(z.string()).optional(),
  custom_participant_ids: z.array(z.string()).optional(),
});
export const muteAllBody = z.looseObject({ allow_unmute: bool.optional() });
export const pollBody = z.looseObject({
  question: z.string().min(1),
  options: z.array(z.string().min(1)).min(2),
  anonymous: bool.optional(),
  hide_votes: bool.optional(),
});

/** Parses a JSON request body with a schema; 400 with the first issue on failure. */
export async function parseBody<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
  { optional = false }: { optional?: boolean } = {},
): Promise<z.infer<Schema>> {
  const text = await request.text();
  let value: unknown;
  if (!text.trim()) {
    if (!optional) throw new RtkApiError(400, 'A JSON body is required.');
    value = {};
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      throw new RtkApiError(400, 'Malformed JSON in request body.');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new RtkApiError(400, `Invalid request body: ${firstIssue(parsed.error)}`);
  }
  return parsed.data;
}

/** `path: message` of a zod error's first issue. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(body)'}: ${issue?.message}`;
}
