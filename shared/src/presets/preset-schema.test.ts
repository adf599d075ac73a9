import { describe, expect, it } from 'vitest';
import { presetDefinitions } from './preset-definitions';
import { RtkPresetBodySchema } from './preset-schema';

const valid = () => presetDefinitions()[0]!;

/** The dotted paths of the schema's complaints, to show what exactly was refused. */
const refusedPaths = (body: unknown) => {
  const result = RtkPresetBodySchema.safeParse(body);
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
};

describe('RTK preset body schema', () => {
  it('accepts a full body', () => {
    expect(RtkPresetBodySchema.safeParse(valid()).success).toBe(true);
  });

  it('refuses an unknown enum value', () => {
    const body = valid();
    expect(refusedPaths({ ...body, config: { ...body.config, view_type: 'LIVE' } })).toEqual(['config.view_type']);
    const media = { ...body.permissions.media, audio: { can_produce: 'YES' } };
    expect(refusedPaths({ ...body, permissions: { ...body.permissions, media } })).toEqual([
      'permissions.media.audio.can_produce',
    ]);
    expect(refusedPaths({ ...body, permissions: { ...body.permissions, waiting_room_type: 'ALWAYS' } })).toEqual([
      'permissions.waiting_room_type',
    ]);
  });

  it('refuses a missing permissions sub-field, and a missing permissions object', () => {
    const { kick_participant: _kick, ...permissions } = valid().permissions;
    expect(refusedPaths({ ...valid(), permissions })).toEqual(['permissions.kick_participant']);
    const { polls: _polls, ...withoutPolls } = valid().permissions;
    expect(refusedPaths({ ...valid(), permissions: withoutPolls })).toEqual(['permissions.polls']);
    const { permissions: _all, ...bodyWithout } = valid();
    expect(refusedPaths(bodyWithout)).toEqual(['permissions']);
  });

  it('refuses a typo’d field anywhere', () => {
    expect(refusedPaths({ ...valid(), permissions: { ...valid().permissions, kick_participants: true } })).toEqual([
      'permissions',
    ]);
    const chat = { ...valid().permissions.chat, public: { can_send: true, text: true, file: true } };
    expect(refusedPaths({ ...valid(), permissions: { ...valid().permissions, chat } }).length).toBeGreaterThan(0);
    expect(refusedPaths({ ...valid(), extra: 1 })).toEqual(['']);
  });

  it('refuses a bad colour, theme or logo', () => {
    const tokens = valid().ui.design_tokens;
    const withColours = (colors: object) => ({ ...valid(), ui: { design_tokens: { ...tokens, colors } } });
    for (const colour of ['red', '#12345', '#1234567', '#GGGGGG', '123456', '']) {
      expect(refusedPaths(withColours({ ...tokens.colors, text: colour }))).toEqual(['ui.design_tokens.colors.text']);
    }
    expect(refusedPaths(withColours({ ...tokens.colors, brand: { ...tokens.colors.brand, '500': 'blue' } }))).toEqual([
      'ui.design_tokens.colors.brand.500',
    ]);
    expect(refusedPaths({ ...valid(), ui: { design_tokens: { ...tokens, theme: 'sepia' } } })).toEqual([
      'ui.design_tokens.theme',
    ]);
    expect(refusedPaths({ ...valid(), ui: { design_tokens: { ...tokens, logo: 'javascript:alert(1)' } } })).toEqual([
      'ui.design_tokens.logo',
    ]);
  });

  it('refuses the seed’s plugin config shape, which RTK keys by plugin id', () => {
    const plugins = {
      ...valid().permissions.plugins,
      config: { access_control: 'FULL_ACCESS', handles_view_only: false },
    };
    expect(refusedPaths({ ...valid(), permissions: { ...valid().permissions, plugins } }).length).toBeGreaterThan(0);
    const byPlugin = {
      ...plugins,
      config: { 'ae79b269-24ca-4f8a-8112-f96084c8c19a': { access_control: 'VIEW_ONLY' } },
    };
    expect(
      RtkPresetBodySchema.safeParse({ ...valid(), permissions: { ...valid().permissions, plugins: byPlugin } }).success,
    ).toBe(true);
  });

  it('refuses names that are not identifier-like', () => {
    for (const name of ['', 'has space', 'x'.repeat(65), 'semi;colon', '../x']) {
      expect(refusedPaths({ ...valid(), name })).toEqual(['name']);
    }
  });
});
