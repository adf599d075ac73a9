import { z } from 'zod';

/**
 * The body RealtimeKit takes to create a preset (spec §5.4 "Schema note", docs/rtk.md#presets): snake_case, media as
 * ALLOWED/NOT_ALLOWED/CAN_REQUEST, every permissions sub-field present. Objects are strict, so a typo'd field
 * is refused here with a clear path instead of being silently ignored by RTK. Admin routes validate custom
 * presets with the same schema, so nothing reaches RTK that the built-in definitions could not express.
 */

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
const RtkHexColourSchema = z.string().regex(HEX_COLOUR, 'Use a hex colour like #2563EB.');

/** Preset names are referenced by code (`preset_name` when a participant is added), so identifier-like. */
export const RtkPresetNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use 1–64 letters, digits, underscores or hyphens.');

const CAN_PRODUCE = ['ALLOWED', 'NOT_ALLOWED', 'CAN_REQUEST'] as const;
const VIEW_TYPES = ['GROUP_CALL', 'WEBINAR', 'AUDIO_ROOM'] as const;
const WAITING_ROOM_TYPES = ['SKIP', 'ON_PRIVILEGED_USER_ENTRY', 'SKIP_ON_ACCEPT'] as const;
export const THEMES = ['light', 'dark', 'darkest'] as const;
export const BORDER_RADII = ['sharp', 'rounded', 'extra-rounded', 'circular'] as const;
export const BORDER_WIDTHS = ['none', 'thin', 'fat'] as const;

const canProduce = z.enum(CAN_PRODUCE);
const quality = z.enum(['hd', 'vga', 'qvga', 'fhd', 'uhd']);
const frameRate = z.number().int().min(1).max(60);
const streamCount = z.number().int().min(0).max(100);

const ConfigSchema = z.strictObject({
  view_type: z.enum(VIEW_TYPES),
  max_video_streams: z.strictObject({ desktop: streamCount, mobile: streamCount }),
  max_screenshare_count: streamCount,
  livestream_viewer_qualities: z.array(z.number().int().positive()).max(10).nullable().optional(),
  media: z.strictObject({
    video: z.strictObject({ quality, frame_rate: frameRate, simulcast: z.boolean().optional() }),
    screenshare: z.strictObject({ quality, frame_rate: frameRate }),
    audio: z
      .strictObject({ enable_high_bitrate: z.boolean().optional(), enable_stereo: z.boolean().optional() })
      .optional(),
  }),
});

const MediaPermissionsSchema = z.strictObject({
  audio: z.strictObject({ can_produce: canProduce }),
  video: z.strictObject({ can_produce: canProduce }),
  screenshare: z.strictObject({ can_produce: canProduce }),
});

const ChatPermissionsSchema = z.strictObject({
  public: z.strictObject({ can_send: z.boolean(), text: z.boolean(), files: z.boolean() }),
  private: z.strictObject({ can_send: z.boolean(), can_receive: z.boolean(), text: z.boolean(), files: z.boolean() }),
});

/**
 * RTK keys plugin access by plugin id (docs/rtk.md#presets, from the SDK types). The seed's §5.4 bodies put
 * `access_control` directly under `config`, which RTK's schema does not have; such a body is refused here.
 */
const PluginPermissionsSchema = z.strictObject({
  can_start: z.boolean(),
  can_close: z.boolean(),
  can_edit_config: z.boolean(),
  config: z.record(
    z.string().min(1).max(64),
    z.strictObject({
      access_control: z.enum(['FULL_ACCESS', 'VIEW_ONLY']).optional(),
      handles_view_only: z.boolean().optional(),
    }),
  ),
});

const PermissionsSchema = z.strictObject({
  media: MediaPermissionsSchema,
  kick_participant: z.boolean(),
  pin_participant: z.boolean(),
  can_spotlight: z.boolean(),
  disable_participant_audio: z.boolean(),
  disable_participant_video: z.boolean(),
  disable_participant_screensharing: z.boolean(),
  accept_waiting_requests: z.boolean(),
  can_accept_production_requests: z.boolean(),
  can_change_participant_permissions: z.boolean(),
  can_record: z.boolean(),
  can_livestream: z.boolean(),
  can_edit_display_name: z.boolean(),
  show_participant_list: z.boolean(),
  hidden_participant: z.boolean(),
  waiting_room_type: z.enum(WAITING_ROOM_TYPES),
  recorder_type: z.enum(['RECORDER', 'LIVESTREAMER', 'NONE']),
  is_recorder: z.boolean(),
  chat: ChatPermissionsSchema,
  polls: z.strictObject({ can_create: z.boolean(), can_vote: z.boolean(), can_view: z.boolean() }),
  plugins: PluginPermissionsSchema,
  connected_meetings: z.strictObject({
    can_alter_connected_meetings: z.boolean(),
    can_switch_connected_meetings: z.boolean(),
    can_switch_to_parent_meeting: z.boolean(),
  }),
  // Optional in RTK's schema (docs/rtk.md#presets); the built-in presets leave them to RTK's defaults.
  accept_stage_requests: z.boolean().optional(),
  stage_access: canProduce.optional(),
  stage_enabled: z.boolean().optional(),
  transcription_enabled: z.boolean().optional(),
});

const shades = <const K extends string>(keys: readonly K[]) =>
  z.strictObject(
    Object.fromEntries(keys.map((key) => [key, RtkHexColourSchema])) as Record<K, typeof RtkHexColourSchema>,
  );

const BRAND_SHADES = ['300', '400', '500', '600', '700'] as const;
const BACKGROUND_SHADES = ['600', '700', '800', '900', '1000'] as const;

const FONT_NAME = /^[\p{L}\p{N} ,'"-]*$/u;

/**
 * A font name (CSS font-family or a Google font), on `base`: letters and digits of any script, spaces, commas,
 * quotes, hyphens. zod-to-openapi writes a regex literal's flags into the pattern (`…$/u`, which matches nothing);
 * JSON Schema patterns are already Unicode-aware (ECMA-262 with `u`), so the source alone is the same check there.
 */
export const fontName = (base = z.string()) =>
  base
    .max(100)
    .regex(FONT_NAME, 'Letters, digits, spaces, commas, quotes and hyphens only.')
    .meta({ pattern: FONT_NAME.source });

const DesignTokensSchema = z.strictObject({
  theme: z.enum(THEMES),
  border_radius: z.enum(BORDER_RADII),
  border_width: z.enum(BORDER_WIDTHS),
  spacing_base: z.number().int().min(1).max(32),
  /** Empty for none; otherwise an absolute URL the meeting UI (and RTK's recorder) can load. */
  logo: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2048)]).optional(),
  font_family: fontName().optional(),
  google_font: fontName().optional(),
  colors: z.strictObject({
    brand: shades(BRAND_SHADES),
    background: shades(BACKGROUND_SHADES),
    text: RtkHexColourSchema,
    text_on_brand: RtkHexColourSchema,
    video_bg: RtkHexColourSchema,
    danger: RtkHexColourSchema,
    success: RtkHexColourSchema,
    warning: RtkHexColourSchema,
  }),
});

export const RtkPresetBodySchema = z.strictObject({
  name: RtkPresetNameSchema,
  config: ConfigSchema,
  permissions: PermissionsSchema,
  ui: z.strictObject({ design_tokens: DesignTokensSchema }),
});

export type RtkPresetBody = z.infer<typeof RtkPresetBodySchema>;
export type RtkPresetConfig = RtkPresetBody['config'];
export type RtkPresetPermissions = RtkPresetBody['permissions'];
export type RtkDesignTokens = RtkPresetBody['ui']['design_tokens'];
export type RtkViewType = (typeof VIEW_TYPES)[number];
export type RtkCanProduce = (typeof CAN_PRODUCE)[number];
