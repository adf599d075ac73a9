// The presets RealtimeKit creates with a new app (names as in the dashboard).
import type { Preset } from '../state/rtk-records.ts';

type PresetContent = Pick<Preset, 'name' | 'config' | 'permissions' | 'ui'>;

const permissions = (host: boolean, { viewer = false } = {}): Preset['permissions'] => ({
  accept_waiting_requests: host,
  can_accept_production_requests: host,
  can_change_participant_permissions: host,
  can_edit_display_name: true,
  can_livestream: host,
  can_record: host,
  can_spotlight: host,
  disable_participant_audio: host,
  disable_participant_screensharing: host,
  disable_participant_video: host,
  hidden_participant: false,
  kick_participant: host,
  pin_participant: host,
  show_participant_list: true,
  recorder_type: 'NONE',
  waiting_room_type: 'SKIP',
  chat: {
    public: { can_send: true, text: true, files: true },
    private: { can_send: true, can_receive: true, text: true, files: true },
  },
  connected_meetings: {
    can_alter_connected_meetings: host,
    can_switch_connected_meetings: host,
    can_switch_to_parent_meeting: host,
  },
  media: {
    audio: { can_produce: viewer ? 'NOT_ALLOWED' : 'ALLOWED' },
    video: { can_produce: viewer ? 'NOT_ALLOWED' : 'ALLOWED' },
    screenshare: { can_produce: viewer ? 'NOT_ALLOWED' : 'ALLOWED' },
  },
  plugins: { can_close: host, can_edit_config: host, can_start: host, config: {} },
  polls: { can_create: host, can_view: true, can_vote: true },
});

const config = (viewType: Preset['config']['view_type']): Preset['config'] => ({
  view_type: viewType,
  max_screenshare_count: 1,
  max_video_streams: { desktop: 9, mobile: 4 },
  media: { video: { quality: 'hd', frame_rate: 30 }, screenshare: { quality: 'hd', frame_rate: 5 } },
});

const ui: Preset['ui'] = {
  design_tokens: { border_radius: 'rounded', border_width: 'thin', spacing_base: 4, theme: 'dark' },
};

export function defaultPresets(): PresetContent[] {
  return [
    { name: 'group_call_host', config: config('GROUP_CALL'), permissions: permissions(true), ui },
    { name: 'group_call_participant', config: config('GROUP_CALL'), permissions: permissions(false), ui },
    { name: 'webinar_presenter', config: config('WEBINAR'), permissions: permissions(true), ui },
    { name: 'webinar_viewer', config: config('WEBINAR'), permissions: permissions(false, { viewer: true }), ui },
  ];
}
