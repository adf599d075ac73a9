import type {
  RtkCanProduce,
  RtkDesignTokens,
  RtkPresetBody,
  RtkPresetConfig,
  RtkPresetPermissions,
  RtkViewType,
} from './preset-schema';

/** The 13 presets of spec §5.2 (docs/architecture.md#presets: §14.4's "14" is a miscount). */
export const PRESET_NAMES = [
  'video_host',
  'video_participant',
  'video_guest',
  'audio_host',
  'audio_participant',
  'audio_guest',
  'webinar_host',
  'webinar_participant',
  'webinar_guest',
  'webinar_viewer',
  'livestream_host',
  'livestream_participant',
  'livestream_viewer',
] as const;

export type PresetName = (typeof PRESET_NAMES)[number];
export type BuiltInPreset = RtkPresetBody & { name: PresetName };

export const isPresetName = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);

/** RTK's own default palette, as in the seed's video_host body; branding replaces it per org. */
const DEFAULT_DESIGN_TOKENS: RtkDesignTokens = {
  theme: 'dark',
  border_radius: 'rounded',
  border_width: 'thin',
  spacing_base: 4,
  logo: '',
  colors: {
    brand: { '300': '#844d1c', '400': '#9d5b22', '500': '#b56927', '600': '#d37c30', '700': '#d9904f' },
    background: { '600': '#222222', '700': '#1f1f1f', '800': '#1b1b1b', '900': '#181818', '1000': '#141414' },
    text: '#EEEEEE',
    text_on_brand: '#EEEEEE',
    danger: '#FF2D2D',
    success: '#62A504',
    warning: '#FFCD07',
    video_bg: '#191919',
  },
};

const config = (view_type: RtkViewType): RtkPresetConfig => ({
  view_type,
  max_video_streams: { desktop: 25, mobile: 6 },
  max_screenshare_count: 1,
  media: { video: { quality: 'hd', frame_rate: 30 }, screenshare: { quality: 'hd', frame_rate: 15 } },
});

type RoleLevel = Omit<RtkPresetPermissions, 'media'>;

const FULL_CHAT: RoleLevel['chat'] = {
  public: { can_send: true, text: true, files: true },
  private: { can_send: true, can_receive: true, text: true, files: true },
};
/** Public text only; private messages can be received (from a host) but not sent. */
const GUEST_CHAT: RoleLevel['chat'] = {
  public: { can_send: true, text: true, files: false },
  private: { can_send: false, can_receive: true, text: false, files: false },
};
const NO_CHAT: RoleLevel['chat'] = {
  public: { can_send: false, text: false, files: false },
  private: { can_send: false, can_receive: false, text: false, files: false },
};

/**
 * The seed's per-plugin `access_control` cannot be expressed without plugin ids (see preset-schema.ts), so the
 * built-ins leave per-plugin access to RTK's defaults; who may start/close/configure plugins is still set.
 */
const pluginControl = (control: boolean): RoleLevel['plugins'] => ({
  can_start: control,
  can_close: control,
  can_edit_config: control,
  config: {},
});

const connectedMeetings = (alter: boolean, switchMeetings: boolean): RoleLevel['connected_meetings'] => ({
  can_alter_connected_meetings: alter,
  can_switch_connected_meetings: switchMeetings,
  can_switch_to_parent_meeting: switchMeetings,
});

/** No host controls and no recording/livestreaming: everything the non-host levels share. */
const NO_HOST_CONTROLS = {
  kick_participant: false,
  can_spotlight: false,
  disable_participant_audio: false,
  disable_participant_video: false,
  disable_participant_screensharing: false,
  accept_waiting_requests: false,
  can_accept_production_requests: false,
  can_change_participant_permissions: false,
  can_record: false,
  can_livestream: false,
  can_edit_display_name: false,
  hidden_participant: false,
  recorder_type: 'NONE',
  is_recorder: false,
} as const satisfies Partial<RoleLevel>;

/** Spec §5.4.1 video_host, minus media (set per preset). */
const HOST: RoleLevel = {
  kick_participant: true,
  pin_participant: true,
  can_spotlight: true,
  disable_participant_audio: true,
  disable_participant_video: true,
  disable_participant_screensharing: true,
  accept_waiting_requests: true,
  can_accept_production_requests: true,
  can_change_participant_permissions: true,
  can_record: true,
  can_livestream: false,
  can_edit_display_name: true,
  show_participant_list: true,
  hidden_participant: false,
  waiting_room_type: 'ON_PRIVILEGED_USER_ENTRY',
  recorder_type: 'NONE',
  is_recorder: false,
  chat: FULL_CHAT,
  polls: { can_create: true, can_vote: true, can_view: true },
  plugins: pluginControl(true),
  connected_meetings: connectedMeetings(true, true),
};

/** Spec §5.4.1 video_participant. */
const PARTICIPANT: RoleLevel = {
  ...NO_HOST_CONTROLS,
  pin_participant: true,
  show_participant_list: true,
  waiting_room_type: 'ON_PRIVILEGED_USER_ENTRY',
  chat: FULL_CHAT,
  polls: { can_create: false, can_vote: true, can_view: true },
  plugins: pluginControl(false),
  connected_meetings: connectedMeetings(false, true),
};

/** Spec §5.4.1 video_guest. */
const GUEST: RoleLevel = {
  ...PARTICIPANT,
  pin_participant: false,
  chat: GUEST_CHAT,
  connected_meetings: connectedMeetings(false, false),
};

/** Spec §5.4.3 webinar_viewer: watches and votes; "remaining fields all false/NONE". */
const VIEWER: RoleLevel = {
  ...NO_HOST_CONTROLS,
  pin_participant: false,
  show_participant_list: false,
  waiting_room_type: 'SKIP',
  chat: NO_CHAT,
  polls: { can_create: false, can_vote: true, can_view: true },
  plugins: pluginControl(false),
  connected_meetings: connectedMeetings(false, false),
};

interface PresetShape {
  view: RtkViewType;
  level: RoleLevel;
  /** can_produce for audio, video, screenshare. */
  media: [RtkCanProduce, RtkCanProduce, RtkCanProduce];
  /** Where this preset departs from its role level (spec §5.4 tables). */
  overrides?: Partial<RoleLevel>;
}

const ON_STAGE = ['ALLOWED', 'ALLOWED', 'ALLOWED'] as const satisfies PresetShape['media'];
/** Webinar audience that may ask to go on stage (§5.4.3: stage access is requested, never screenshare). */
const REQUESTS_STAGE = ['CAN_REQUEST', 'CAN_REQUEST', 'NOT_ALLOWED'] as const satisfies PresetShape['media'];
const WATCHES = ['NOT_ALLOWED', 'NOT_ALLOWED', 'NOT_ALLOWED'] as const satisfies PresetShape['media'];
/** §5.4.2: audio rooms never produce video. */
const audioOnly = (screenshare: RtkCanProduce): PresetShape['media'] => ['ALLOWED', 'NOT_ALLOWED', screenshare];

/** §5.4.3: webinar hosts may livestream; §5.4.4: so may livestream hosts (WEBINAR view + can_livestream). */
const STAGE_HOST: PresetShape = { view: 'WEBINAR', level: HOST, media: ON_STAGE, overrides: { can_livestream: true } };
/** §5.4.3 webinar_participant: participant level, guest-level chat. */
const STAGE_AUDIENCE: PresetShape = {
  view: 'WEBINAR',
  level: PARTICIPANT,
  media: REQUESTS_STAGE,
  overrides: { chat: GUEST_CHAT },
};
const STAGE_VIEWER: PresetShape = { view: 'WEBINAR', level: VIEWER, media: WATCHES };

const SHAPES: Record<PresetName, PresetShape> = {
  video_host: { view: 'GROUP_CALL', level: HOST, media: ON_STAGE },
  video_participant: { view: 'GROUP_CALL', level: PARTICIPANT, media: ON_STAGE },
  video_guest: { view: 'GROUP_CALL', level: GUEST, media: ['ALLOWED', 'ALLOWED', 'NOT_ALLOWED'] },
  audio_host: { view: 'AUDIO_ROOM', level: HOST, media: audioOnly('ALLOWED') },
  audio_participant: { view: 'AUDIO_ROOM', level: PARTICIPANT, media: audioOnly('NOT_ALLOWED') },
  audio_guest: { view: 'AUDIO_ROOM', level: GUEST, media: audioOnly('NOT_ALLOWED') },
  webinar_host: STAGE_HOST,
  webinar_participant: STAGE_AUDIENCE,
  // §5.2 names it without a body: may ask for the stage like webinar_participant, otherwise video_guest's rights.
  webinar_guest: { view: 'WEBINAR', level: GUEST, media: REQUESTS_STAGE },
  webinar_viewer: STAGE_VIEWER,
  livestream_host: STAGE_HOST,
  livestream_participant: STAGE_AUDIENCE,
  livestream_viewer: STAGE_VIEWER,
};

function definition(name: PresetName): BuiltInPreset {
  const { view, level, media, overrides } = SHAPES[name];
  const [audio, video, screenshare] = media;
  return {
    name,
    config: config(view),
    permissions: {
      ...level,
      ...overrides,
      media: {
        audio: { can_produce: audio },
        video: { can_produce: video },
        screenshare: { can_produce: screenshare },
      },
    },
    ui: { design_tokens: DEFAULT_DESIGN_TOKENS },
  };
}

/** The 13 built-in preset bodies, unbranded, in PRESET_NAMES order. Fresh objects on every call. */
export function presetDefinitions(): BuiltInPreset[] {
  return PRESET_NAMES.map((name) => structuredClone(definition(name)));
}
