import { describe, expect, it } from 'vitest';
import { RtkError } from '../rtk/errors';
import type { RtkPreset, RtkPresetsApi } from '../rtk/presets';
import type { BrandTokens } from './preset-branding';
import { PRESET_NAMES } from './preset-definitions';
import { brandedPresets, listAllPresets, reconcilePresets } from './reconcile';

const TOKENS: BrandTokens = { theme: 'dark', brandColor: '#2563EB', borderRadius: 'rounded', borderWidth: 'thin' };
const prefixed = (name: string) => `org-a-${name}`;
const desired = (tokens = TOKENS) => brandedPresets(tokens, prefixed);

const rtkError = (code: 'conflict' | 'not_found') =>
  new RtkError({ status: code === 'conflict' ? 409 : 404, code, method: 'X', path: '/presets', message: code });

/**
 * RTK's presets, in memory: names unique unless `allowDuplicates` (as an RTK racing two creates may leave them),
 * and `beforeCreate` to let "another run" act between our list and our create.
 */
function fakeRtk(options: { allowDuplicates?: boolean; beforeCreate?: (name: string) => void } = {}) {
  const stored = new Map<string, RtkPreset>();
  const writes: string[] = [];
  let clock = 0;
  const add = (body: { name: string; config: object; permissions: object; ui: object }) => {
    const id = `preset-${String(++clock).padStart(4, '0')}`;
    const preset = {
      ...structuredClone(body),
      id,
      created_at: new Date(Date.UTC(2026, 0, 1) + clock * 1000).toISOString(),
    };
    stored.set(id, preset as unknown as RtkPreset);
    return preset as unknown as RtkPreset;
  };
  const presets: RtkPresetsApi = {
    list: async ({ page = 1, perPage = 100 } = {}) => ({
      items: [...stored.values()]
        .slice((page - 1) * perPage, page * perPage)
        .map(({ id, name, created_at }) => ({ id, name, created_at, updated_at: null })),
      paging: null,
    }),
    get: async (id) => {
      const preset = stored.get(id);
      if (!preset) throw rtkError('not_found');
      return structuredClone(preset);
    },
    create: async (body) => {
      options.beforeCreate?.(body.name);
      if (!options.allowDuplicates && [...stored.values()].some((preset) => preset.name === body.name))
        throw rtkError('conflict');
      writes.push(`create ${body.name}`);
      return add(body);
    },
    update: async (id, patch) => {
      const preset = stored.get(id);
      if (!preset) throw rtkError('not_found');
      writes.push(`update ${preset.name}`);
      Object.assign(preset, structuredClone(patch));
      return structuredClone(preset);
    },
    delete: async (id) => {
      if (!stored.delete(id)) throw rtkError('not_found');
      writes.push(`delete ${id}`);
    },
  };
  return { rtk: { presets }, stored, writes, add };
}

describe('brandedPresets', () => {
  it('is the 13 built-ins, branded, under the names RTK holds them by', () => {
    const presets = desired();
    expect(presets.map(({ name }) => name)).toEqual([...PRESET_NAMES]);
    expect(presets[0]!.body.name).toBe(prefixed(PRESET_NAMES[0]));
    expect(presets[0]!.body.ui.design_tokens.colors.brand['500']).toBe('#2563EB');
  });
});

describe('reconcilePresets', () => {
  it('creates what is missing, then changes nothing on a second run', async () => {
    const { rtk, writes } = fakeRtk();
    expect(await reconcilePresets(rtk, desired())).toEqual({
      created: [...PRESET_NAMES],
      updated: [],
      unchanged: [],
      duplicatesRemoved: 0,
    });
    writes.length = 0;
    expect(await reconcilePresets(rtk, desired())).toMatchObject({ created: [], updated: [], duplicatesRemoved: 0 });
    expect(writes).toEqual([]);
  });

  it('updates only the presets that differ, and leaves presets of other names alone', async () => {
    const { rtk, stored, add, writes } = fakeRtk();
    await reconcilePresets(rtk, desired());
    const other = add({ ...desired()[0]!.body, name: 'custom_sales' });
    const guest = [...stored.values()].find((preset) => preset.name === prefixed('video_guest'))!;
    guest.permissions = { ...guest.permissions, kick_participant: true };
    writes.length = 0;
    const result = await reconcilePresets(rtk, desired());
    expect(result).toMatchObject({ created: [], updated: ['video_guest'], duplicatesRemoved: 0 });
    expect(result.unchanged).toHaveLength(12);
    expect(writes).toEqual([`update ${prefixed('video_guest')}`]);
    expect(stored.get(other.id)).toBeDefined();
  });

  it('re-brands every preset when the tokens change', async () => {
    const { rtk } = fakeRtk();
    await reconcilePresets(rtk, desired());
    const result = await reconcilePresets(rtk, desired({ ...TOKENS, brandColor: '#0F766E' }));
    expect(result.updated).toEqual([...PRESET_NAMES]);
  });

  it('adopts a preset another run created between its list and its create', async () => {
    let raced = false;
    const fake = fakeRtk({
      beforeCreate: (name) => {
        if (raced || name !== prefixed('webinar_host')) return;
        raced = true;
        fake.add({ ...desired()[0]!.body, name });
      },
    });
    const result = await reconcilePresets(fake.rtk, desired());
    expect(result.created).not.toContain('webinar_host');
    expect(result.updated).toContain('webinar_host');
    expect([...fake.stored.values()].filter((preset) => preset.name === prefixed('webinar_host'))).toHaveLength(1);
  });

  it('deletes all but the oldest of each duplicated name, and only of its own names', async () => {
    const { rtk, stored, add } = fakeRtk({ allowDuplicates: true });
    await reconcilePresets(rtk, desired());
    const oldest = [...stored.values()].find((preset) => preset.name === prefixed('video_host'))!;
    add({ ...desired()[0]!.body });
    add({ ...desired()[0]!.body });
    add({ ...desired()[0]!.body, name: 'someone_elses' });
    add({ ...desired()[0]!.body, name: 'someone_elses' });
    const result = await reconcilePresets(rtk, desired());
    expect(result).toMatchObject({ created: [], updated: [], duplicatesRemoved: 2 });
    const names = [...stored.values()].map((preset) => preset.name);
    expect(names.filter((name) => name === prefixed('video_host'))).toHaveLength(1);
    expect(stored.get(oldest.id)).toBeDefined();
    expect(names.filter((name) => name === 'someone_elses')).toHaveLength(2);
  });

  it('passes on RTK failures other than a lost race', async () => {
    const { rtk } = fakeRtk();
    rtk.presets.create = async () => {
      throw new RtkError({ status: 500, code: 'server_error', method: 'POST', path: '/presets', message: 'down' });
    };
    await expect(reconcilePresets(rtk, desired())).rejects.toMatchObject({ code: 'server_error' });
  });
});

describe('listAllPresets', () => {
  it('reads every page, oldest first', async () => {
    const { rtk, add } = fakeRtk({ allowDuplicates: true });
    for (let i = 0; i < 230; i++) add({ ...desired()[0]!.body, name: `p${i}` });
    const all = await listAllPresets(rtk);
    expect(all).toHaveLength(230);
    expect(all.map((preset) => preset.created_at)).toEqual([...all.map((preset) => preset.created_at)].sort());
  });
});
