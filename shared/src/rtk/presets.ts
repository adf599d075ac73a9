import { z } from 'zod';
import { pageQuery, type RtkPage, type RtkPageQuery } from './envelope';
import { lenient, rtkId } from './fields';
import { pathPart, type RtkTransport } from './transport';

type VideoQuality = 'hd' | 'vga' | 'qvga' | 'fhd' | 'uhd';
type Production = 'ALLOWED' | 'NOT_ALLOWED' | 'CAN_REQUEST';

/** A preset as RTK takes it (docs/rtk.md#presets): what a participant may do and how the meeting UI looks. */
export interface RtkPresetBody {
  name: string;
  config: {
    view_type: 'GROUP_CALL' | 'WEBINAR' | 'AUDIO_ROOM' | 'LIVESTREAM';
    max_screenshare_count: number;
    max_video_streams: { desktop: number; mobile: number };
    livestream_viewer_qualities?: number[] | null;
    media: {
      video: { quality: VideoQuality; frame_rate: number; simulcast?: boolean };
      screenshare: { quality: VideoQuality; frame_rate: number };
      audio?: { enable_high_bitrate?: boolean; enable_stereo?: boolean };
    };
  };
  permissions: {
    accept_waiting_requests?: boolean;
    can_accept_production_requests?: boolean;
    can_change_participant_permissions?: boolean;
    can_edit_display_name?: boolean;
    can_livestream?: boolean;
    can_record?: boolean;
    can_spotlight?: boolean;
    disable_participant_audio?: boolean;
    disable_participant_screensharing?: boolean;
    disable_participant_video?: boolean;
    hidden_participant?: boolean;
    kick_participant?: boolean;
    pin_participant?: boolean;
    show_participant_list?: boolean;
    recorder_type: 'RECORDER' | 'LIVESTREAMER' | 'NONE';
    waiting_room_type: 'SKIP' | 'ON_PRIVILEGED_USER_ENTRY' | 'SKIP_ON_ACCEPT';
    accept_stage_requests?: boolean;
    is_recorder?: boolean;
    stage_access?: Production;
    stage_enabled?: boolean;
    /** Real-time transcription is switched on per preset. */
    transcription_enabled?: boolean;
    chat?: {
      public?: { can_send: boolean; text: boolean; files: boolean };
      private?: { can_send: boolean; can_receive: boolean; text: boolean; files: boolean };
    };
    connected_meetings?: {
      can_alter_connected_meetings: boolean;
      can_switch_connected_meetings: boolean;
      can_switch_to_parent_meeting: boolean;
    };
    media?: {
      audio?: { can_produce: Production };
      video?: { can_produce: Production };
      screenshare?: { can_produce: Production };
    };
    plugins?: {
      can_close: boolean;
      can_edit_config: boolean;
      can_start: boolean;
      /** Keyed by plugin id. */
      config?: Record<string, { access_control?: 'FULL_ACCESS' | 'VIEW_ONLY'; handles_view_only?: boolean }>;
    };
    polls?: { can_create: boolean; can_view: boolean; can_vote: boolean };
  };
  ui: {
    design_tokens: {
      border_radius?: 'sharp' | 'rounded' | 'extra-rounded' | 'circular';
      border_width?: 'none' | 'thin' | 'fat';
      spacing_base?: number;
      theme?: 'darkest' | 'dark' | 'light';
      font_family?: string;
      google_font?: string;
      logo?: string;
      colors?: {
        brand?: Record<'300' | '400' | '500' | '600' | '700', string>;
        background?: Record<'600' | '700' | '800' | '900' | '1000', string>;
        text?: string;
        text_on_brand?: string;
        video_bg?: string;
        danger?: string;
        success?: string;
        warning?: string;
      };
    };
  };
}

export const rtkPresetSummarySchema = z.looseObject({
  id: rtkId,
  name: rtkId,
  created_at: lenient.string,
  updated_at: lenient.string,
});
export type RtkPresetSummary = z.output<typeof rtkPresetSummarySchema>;

// The nested objects are read as plain records: RTK grows them often, and we compare, not interpret, them.
export const rtkPresetSchema = rtkPresetSummarySchema.extend({
  config: lenient.object,
  permissions: lenient.object,
  ui: lenient.object,
});
export type RtkPreset = z.output<typeof rtkPresetSchema>;

export interface RtkPresetsApi {
  /** Summaries only (id, name, times); `get` has the full preset. */
  list(q?: RtkPageQuery & { search?: string }): Promise<RtkPage<RtkPresetSummary>>;
  get(id: string): Promise<RtkPreset>;
  /** Names are unique per app: a taken name is a `conflict`. */
  create(body: RtkPresetBody): Promise<RtkPreset>;
  /** PATCH: RTK merges the given keys into the preset. */
  update(id: string, body: Partial<RtkPresetBody>): Promise<RtkPreset>;
  delete(id: string): Promise<void>;
}

export function presetsApi(rtk: RtkTransport): RtkPresetsApi {
  const one = (id: string) => `/presets/${pathPart(id)}`;
  return {
    list: (q = {}) =>
      rtk.page(
        {
          method: 'GET',
          path: '/presets',
          query: { ...pageQuery(q), search: q.search },
          idempotent: true,
          what: 'list presets',
        },
        z.array(rtkPresetSummarySchema),
      ),
    get: (id) =>
      rtk.data({ method: 'GET', path: one(id), idempotent: true, what: `get preset ${id}` }, rtkPresetSchema),
    create: (body) =>
      rtk.data(
        { method: 'POST', path: '/presets', body, idempotent: false, what: `create preset ${body.name}` },
        rtkPresetSchema,
      ),
    update: (id, body) =>
      rtk.data(
        { method: 'PATCH', path: one(id), body, idempotent: true, what: `update preset ${id}` },
        rtkPresetSchema,
      ),
    delete: (id) => rtk.send({ method: 'DELETE', path: one(id), idempotent: true, what: `delete preset ${id}` }),
  };
}
