import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, type PresetName, presetDefinitions } from './preset-definitions';
import { type RtkPresetBody, RtkPresetBodySchema } from './preset-schema';

const definitions = presetDefinitions();
const byName = (name: PresetName) => definitions.find((preset) => preset.name === name)!;
const produces = (preset: RtkPresetBody) => {
  const { audio, video, screenshare } = preset.permissions.media;
  return [audio.can_produce, video.can_produce, screenshare.can_produce];
};
const HOST_CONTROLS = [
  'kick_participant',
  'can_record',
  'can_spotlight',
  'disable_participant_audio',
  'disable_participant_video',
  'disable_participant_screensharing',
  'accept_waiting_requests',
  'can_accept_production_requests',
  'can_change_participant_permissions',
] as const;

describe('the 13 built-in presets', () => {
  it('are exactly the §5.2 names, once each, in order', () => {
    expect(definitions.map((preset) => preset.name)).toEqual([...PRESET_NAMES]);
    expect(new Set(PRESET_NAMES).size).toBe(13);
  });

  it.each(PRESET_NAMES)('%s parses with the RTK preset schema', (name) => {
    const result = RtkPresetBodySchema.safeParse(byName(name));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('video_host is the seed’s §5.4.1 body (plugin access left to RTK’s per-plugin defaults)', () => {
    expect(byName('video_host')).toEqual({
      name: 'video_host',
      config: {
        view_type: 'GROUP_CALL',
        max_video_streams: { desktop: 25, mobile: 6 },
        max_screenshare_count: 1,
        media: { video: { quality: 'hd', frame_rate: 30 }, screenshare: { quality: 'hd', frame_rate: 15 } },
      },
      permissions: {
        media: {
          audio: { can_produce: 'ALLOWED' },
          video: { can_produce: 'ALLOWED' },
          screenshare: { can_produce: 'ALLOWED' },
        },
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
        chat: {
          public: { can_send: true, text: true, files: true },
          private: { can_send: true, can_receive: true, text: true, files: true },
        },
        polls: { can_create: true, can_vote: true, can_view: true },
        plugins: { can_start: true, can_close: true, can_edit_config: true, config: {} },
        connected_meetings: {
          can_alter_connected_meetings: true,
          can_switch_connected_meetings: true,
          can_switch_to_parent_meeting: true,
        },
      },
      ui: {
        design_tokens: {
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
        },
      },
    });
  });

  it('use the §5.4 view types: GROUP_CALL, AUDIO_ROOM, and WEBINAR for webinars and livestreams', () => {
    for (const preset of definitions) {
      const expected = { video: 'GROUP_CALL', audio: 'AUDIO_ROOM', webinar: 'WEBINAR', livestream: 'WEBINAR' }[
        preset.name.split('_')[0] as 'video'
      ];
      expect(preset.config.view_type, preset.name).toBe(expected);
    }
  });

  it('give host controls, recording and kicking to *_host presets only', () => {
    for (const preset of definitions) {
      const isHost = preset.name.endsWith('_host');
      for (const control of HOST_CONTROLS)
        expect(preset.permissions[control], `${preset.name}.${control}`).toBe(isHost);
    }
  });

  it('never let guests or viewers record, kick, send private messages or files', () => {
    const restricted = definitions.filter((preset) => /_(guest|viewer)$/.test(preset.name));
    expect(restricted.map((preset) => preset.name)).toEqual([
      'video_guest',
      'audio_guest',
      'webinar_guest',
      'webinar_viewer',
      'livestream_viewer',
    ]);
    for (const { name, permissions } of restricted) {
      expect(permissions.can_record, name).toBe(false);
      expect(permissions.kick_participant, name).toBe(false);
      expect(permissions.chat.private.can_send, name).toBe(false);
      expect(permissions.chat.public.files, name).toBe(false);
      expect(permissions.media.screenshare.can_produce, name).toBe('NOT_ALLOWED');
    }
  });

  it('let viewers produce no media and chat not at all (§5.4.3)', () => {
    for (const name of ['webinar_viewer', 'livestream_viewer'] as const) {
      expect(produces(byName(name))).toEqual(['NOT_ALLOWED', 'NOT_ALLOWED', 'NOT_ALLOWED']);
      expect(byName(name).permissions.chat.public.can_send).toBe(false);
      expect(byName(name).permissions.waiting_room_type).toBe('SKIP');
      expect(byName(name).permissions.show_participant_list).toBe(false);
    }
  });

  it('never produce video in audio rooms, and share the screen only as audio_host (§5.4.2)', () => {
    expect(produces(byName('audio_host'))).toEqual(['ALLOWED', 'NOT_ALLOWED', 'ALLOWED']);
    expect(produces(byName('audio_participant'))).toEqual(['ALLOWED', 'NOT_ALLOWED', 'NOT_ALLOWED']);
    expect(produces(byName('audio_guest'))).toEqual(['ALLOWED', 'NOT_ALLOWED', 'NOT_ALLOWED']);
  });

  it('mirror the video presets at the same role level in audio rooms, apart from media', () => {
    for (const level of ['host', 'participant', 'guest'] as const) {
      const { media: _video, ...videoRights } = byName(`video_${level}`).permissions;
      const { media: _audio, ...audioRights } = byName(`audio_${level}`).permissions;
      expect(audioRights).toEqual(videoRights);
    }
  });

  it('let webinar and livestream hosts livestream, nobody else (§5.4.3, §5.4.4)', () => {
    const livestreamers = definitions.filter((preset) => preset.permissions.can_livestream).map((p) => p.name);
    expect(livestreamers).toEqual(['webinar_host', 'livestream_host']);
  });

  it('put webinar and livestream audiences on stage only by request, with public text chat (§5.4.3)', () => {
    for (const name of ['webinar_participant', 'webinar_guest', 'livestream_participant'] as const) {
      const { permissions } = byName(name);
      expect(produces(byName(name)), name).toEqual(['CAN_REQUEST', 'CAN_REQUEST', 'NOT_ALLOWED']);
      expect(permissions.chat).toEqual({
        public: { can_send: true, text: true, files: false },
        private: { can_send: false, can_receive: true, text: false, files: false },
      });
      expect(permissions.polls).toEqual({ can_create: false, can_vote: true, can_view: true });
    }
    // A webinar guest is a participant with guest-level rights elsewhere.
    expect(byName('webinar_participant').permissions.pin_participant).toBe(true);
    expect(byName('webinar_guest').permissions.pin_participant).toBe(false);
    expect(byName('webinar_guest').permissions.connected_meetings.can_switch_connected_meetings).toBe(false);
  });

  it('send every guest through the waiting room (only viewers skip it)', () => {
    for (const preset of definitions) {
      const expected = preset.name.endsWith('_viewer') ? 'SKIP' : 'ON_PRIVILEGED_USER_ENTRY';
      expect(preset.permissions.waiting_room_type, preset.name).toBe(expected);
    }
  });

  it('are fresh objects on every call', () => {
    const first = presetDefinitions();
    first[0]!.permissions.kick_participant = false;
    first[0]!.ui.design_tokens.colors.text = '#000000';
    expect(presetDefinitions()[0]!.permissions.kick_participant).toBe(true);
    expect(presetDefinitions()[1]!.ui.design_tokens.colors.text).toBe('#EEEEEE');
  });
});
