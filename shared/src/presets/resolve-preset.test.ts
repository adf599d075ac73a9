import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from './preset-definitions';
import { type PresetMeetingType, type PresetRole, resolvePreset } from './resolve-preset';

/** Spec §5.3 written out by hand: role, meeting type, is the creator, expected preset. */
const EXPECTED: [PresetRole, PresetMeetingType, boolean, string][] = [
  ['owner', 'video', true, 'video_host'],
  ['owner', 'video', false, 'video_host'],
  ['owner', 'audio', true, 'audio_host'],
  ['owner', 'audio', false, 'audio_host'],
  ['owner', 'webinar', true, 'webinar_host'],
  ['owner', 'webinar', false, 'webinar_host'],
  ['owner', 'livestream', true, 'livestream_host'],
  ['owner', 'livestream', false, 'livestream_host'],
  ['admin', 'video', true, 'video_host'],
  ['admin', 'video', false, 'video_host'],
  ['admin', 'audio', true, 'audio_host'],
  ['admin', 'audio', false, 'audio_host'],
  ['admin', 'webinar', true, 'webinar_host'],
  ['admin', 'webinar', false, 'webinar_host'],
  ['admin', 'livestream', true, 'livestream_host'],
  ['admin', 'livestream', false, 'livestream_host'],
  ['host', 'video', true, 'video_host'],
  ['host', 'video', false, 'video_participant'],
  ['host', 'audio', true, 'audio_host'],
  ['host', 'audio', false, 'audio_participant'],
  ['host', 'webinar', true, 'webinar_host'],
  ['host', 'webinar', false, 'webinar_participant'],
  ['host', 'livestream', true, 'livestream_host'],
  ['host', 'livestream', false, 'livestream_participant'],
  ['member', 'video', true, 'video_participant'],
  ['member', 'video', false, 'video_participant'],
  ['member', 'audio', true, 'audio_participant'],
  ['member', 'audio', false, 'audio_participant'],
  ['member', 'webinar', true, 'webinar_participant'],
  ['member', 'webinar', false, 'webinar_participant'],
  ['member', 'livestream', true, 'livestream_participant'],
  ['member', 'livestream', false, 'livestream_participant'],
  ['guest', 'video', true, 'video_guest'],
  ['guest', 'video', false, 'video_guest'],
  ['guest', 'audio', true, 'audio_guest'],
  ['guest', 'audio', false, 'audio_guest'],
  ['guest', 'webinar', true, 'webinar_viewer'],
  ['guest', 'webinar', false, 'webinar_viewer'],
  ['guest', 'livestream', true, 'livestream_viewer'],
  ['guest', 'livestream', false, 'livestream_viewer'],
];

describe('resolvePreset (spec §5.3)', () => {
  it('covers all 5 roles × 4 meeting types × creator or not', () => {
    expect(new Set(EXPECTED.map(([role, type, creator]) => `${role}/${type}/${creator}`)).size).toBe(40);
  });

  it.each(EXPECTED)('%s in a %s meeting (creator: %s) joins as %s', (role, type, creator, expected) => {
    const preset = resolvePreset(role, type, creator);
    expect(preset).toBe(expected);
    expect(PRESET_NAMES).toContain(preset);
  });

  it('never gives a guest a livestream guest preset or a host preset', () => {
    const guestPresets = EXPECTED.filter(([role]) => role === 'guest').map(([, type, creator]) =>
      resolvePreset('guest', type, creator),
    );
    expect(guestPresets).not.toContain('livestream_guest');
    expect(guestPresets.some((name) => name.endsWith('_host'))).toBe(false);
  });
});
