import { describe, expect, it } from 'vitest';
import type { RtkPreset } from '../rtk/presets';
import { matchesDesired } from './matches-desired';
import { presetDefinitions } from './preset-definitions';

const [body] = presetDefinitions();
const asStored = (overrides: Partial<RtkPreset> = {}): RtkPreset => ({
  id: 'p1',
  name: body!.name,
  created_at: null,
  updated_at: null,
  config: structuredClone(body!.config),
  permissions: structuredClone(body!.permissions),
  ui: structuredClone(body!.ui),
  ...overrides,
});

describe('matchesDesired', () => {
  it('ignores fields RTK adds of its own', () => {
    const stored = asStored();
    stored.permissions = { ...stored.permissions, stage_enabled: true };
    stored.ui = { ...stored.ui, config_diff: {} };
    expect(matchesDesired(body!, stored)).toBe(true);
  });

  it('sees any value that differs, however deep', () => {
    const stored = asStored();
    stored.permissions = {
      ...body!.permissions,
      chat: { ...body!.permissions.chat, public: { can_send: true, text: true, files: false } },
    };
    expect(matchesDesired(body!, stored)).toBe(false);
    expect(matchesDesired(body!, asStored({ config: { ...body!.config, view_type: 'WEBINAR' } }))).toBe(false);
    expect(matchesDesired(body!, asStored({ ui: null }))).toBe(false);
  });
});
