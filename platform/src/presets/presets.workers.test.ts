import { beforeAll, describe, expect, inject, it } from 'vitest';
import { listAllPresets, PRESET_NAMES, presetDefinitions } from '@castio/shared/presets';
import type { RtkPresetBody } from '@castio/shared/presets';
import type { RtkClient } from '@castio/shared/rtk';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import { addMember, call, createOrg, expectError, json, jsonOf, multiOrgEnv, type Session } from '../../test/helpers';
import type { UploadedBranding } from '../../test/api-types';
import type { Env } from '../env';
import { getOrgSettings } from '../org/settings-service';
import { ensurePresetsProvisioned as ensureWith, provisionPresets as provisionWith } from './provision';

const localCloud = inject('localCloud');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

let appCounter = 0;
/**
 * Every test file shares the local cloud's default app, and branding saves elsewhere provision into it; a
 * fresh app per scenario keeps counts exact. A fresh app comes with RTK's own default presets.
 */
async function freshApp(overrides: Partial<Env> = {}): Promise<{ env: Env; rtk: RtkClient }> {
  const response = await fetch(`${localCloud.rtkApiBase}/accounts/${localCloud.accountId}/realtime/kit/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${localCloud.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `presets-test-${++appCounter}-${Date.now()}` }),
  });
  expect(response.status).toBe(201);
  const { data } = await json<{ data: { app: { id: string } } }>(response);
  const env = { ...multiOrgEnv, RTK_APP_ID: data.app.id, ...overrides };
  return { env, rtk: rtkClientFromEnv(env)! };
}

const namesIn = async (rtk: RtkClient) => (await listAllPresets(rtk)).map((preset) => preset.name);

/** RTK holds exactly one preset of each built-in name. */
async function expectEachBuiltInOnce(rtk: RtkClient) {
  const names = await namesIn(rtk);
  for (const name of PRESET_NAMES)
    expect(
      names.filter((n) => n === name),
      name,
    ).toHaveLength(1);
}
const idOf = async (rtk: RtkClient, name: string) =>
  (await listAllPresets(rtk)).find((preset) => preset.name === name)!.id;
/** As the routes and the join call them: with the org's settings as D1 holds them now. */
const provisionPresets = async (env: Env, orgId: string) => provisionWith(env, orgId, await getOrgSettings(env, orgId));
const ensurePresetsProvisioned = async (env: Env, orgId: string) =>
  ensureWith(env, orgId, await getOrgSettings(env, orgId));
const definition = (name: string) => presetDefinitions().find((preset) => preset.name === name)!;
const customBody = (name: string): RtkPresetBody => ({ ...definition('video_participant'), name });

let owner: Session;
let admin: Session;
let host: Session;
let member: Session;
beforeAll(async () => {
  owner = await createOrg('presets');
  admin = await addMember(owner, 'admin');
  host = await addMember(owner, 'host');
  member = await addMember(owner, 'member');
});

describe('provisioning the 13 built-in presets', () => {
  it('creates all 13 on an app without them, and nothing on a second run', async () => {
    const { env, rtk } = await freshApp();
    // RTK's own default app presets include one named webinar_viewer; without it, the app has none of ours.
    await rtk.presets.delete(await idOf(rtk, 'webinar_viewer'));

    const first = await jsonOf<'POST /api/presets/provision'>(
      await call('POST', '/api/presets/provision', { token: owner.token, body: {}, env }),
    );
    expect(first).toEqual({ created: [...PRESET_NAMES], updated: [], unchanged: [], duplicatesRemoved: 0 });
    const second = await jsonOf<'POST /api/presets/provision'>(
      await call('POST', '/api/presets/provision', { token: admin.token, body: {}, env }),
    );
    expect(second).toEqual({ created: [], updated: [], unchanged: [...PRESET_NAMES], duplicatesRemoved: 0 });

    await expectEachBuiltInOnce(rtk);
    const videoGuest = await rtk.presets.get(await idOf(rtk, 'video_guest'));
    expect(videoGuest.permissions).toEqual(definition('video_guest').permissions);
    expect(videoGuest.config).toEqual(definition('video_guest').config);
  });

  it('takes over an existing preset of the same name instead of duplicating it', async () => {
    const { env, rtk } = await freshApp();
    const rtkDefaultId = await idOf(rtk, 'webinar_viewer');
    const result = await provisionPresets(env, owner.org.id);
    expect(result.updated).toEqual(['webinar_viewer']);
    expect(result.created).toHaveLength(12);
    expect(await idOf(rtk, 'webinar_viewer')).toBe(rtkDefaultId);
    expect((await rtk.presets.get(rtkDefaultId)).permissions).toMatchObject(definition('webinar_viewer').permissions);
  });

  it('updates only the presets that differ', async () => {
    const { env, rtk } = await freshApp();
    await provisionPresets(env, owner.org.id);
    const videoGuestId = await idOf(rtk, 'video_guest');
    await rtk.presets.update(videoGuestId, {
      permissions: { ...definition('video_guest').permissions, kick_participant: true },
    });
    const result = await provisionPresets(env, owner.org.id);
    expect(result.updated).toEqual(['video_guest']);
    expect(result.unchanged).toHaveLength(12);
    expect((await rtk.presets.get(videoGuestId)).permissions).toMatchObject({ kick_participant: false });
  });

  it('never duplicates when two runs overlap', async () => {
    const { env, rtk } = await freshApp();
    const runs = await Promise.all([provisionPresets(env, owner.org.id), provisionPresets(env, owner.org.id)]);
    await expectEachBuiltInOnce(rtk);
    // Each name was created by at most one of the runs.
    const createdTwice = runs[0]!.created.filter((name) => runs[1]!.created.includes(name));
    expect(createdTwice).toEqual([]);
    expect(await provisionPresets(env, owner.org.id)).toMatchObject({ created: [], updated: [] });
  });

  it('re-brands the presets in RTK when branding is saved', async () => {
    const { env, rtk } = await freshApp({ APP_BASE_URL: 'https://meet.acme.example' });
    await provisionPresets(env, owner.org.id);
    const saved = await call('PATCH', '/api/org/settings', {
      token: owner.token,
      body: { brandColor: '#0F766E', theme: 'light', googleFont: 'Roboto' },
      env,
    });
    expect(saved.status).toBe(200);
    for (const name of ['video_host', 'webinar_viewer', 'livestream_participant']) {
      const { ui } = await rtk.presets.get(await idOf(rtk, name));
      expect(ui, name).toMatchObject({
        design_tokens: { theme: 'light', google_font: 'Roboto', colors: { brand: { '500': '#0F766E' } } },
      });
    }

    const form = new FormData();
    form.set('kind', 'logo');
    form.set('file', new File([PNG], 'logo.png', { type: 'image/png' }));
    const logo = await json<UploadedBranding>(
      await call('POST', '/api/org/branding', { token: owner.token, rawBody: form, env }),
    );
    const { ui } = await rtk.presets.get(await idOf(rtk, 'audio_guest'));
    expect(ui).toMatchObject({ design_tokens: { logo: `https://meet.acme.example${logo.url}` } });
    expect(await provisionPresets(env, owner.org.id)).toMatchObject({ updated: [], created: [] });
  });

  it('saves branding even when RTK fails, records the failure, and the next check repairs it', async () => {
    const { env, rtk } = await freshApp();
    await provisionPresets(env, owner.org.id);
    expect(await ensurePresetsProvisioned(env, owner.org.id)).toBe('current');

    const broken = { ...env, RTK_API_TOKEN: 'not-a-valid-token' };
    // Settings that are not branding do not touch RTK at all.
    const unrelated = await call('PATCH', '/api/org/settings', {
      token: owner.token,
      body: { defaultWaitingRoom: true },
      env: broken,
    });
    expect(unrelated.status).toBe(200);
    expect(
      (await jsonOf<'GET /api/presets'>(await call('GET', '/api/presets', { token: owner.token, env })))
        .provisioningFailure,
    ).toBeNull();

    const saved = await call('PATCH', '/api/org/settings', {
      token: owner.token,
      body: { brandColor: '#7C3AED' },
      env: broken,
    });
    expect(saved.status).toBe(200);
    expect((await jsonOf<'PATCH /api/org/settings'>(saved)).brandColor).toBe('#7C3AED');
    const { ui } = await rtk.presets.get(await idOf(rtk, 'video_host'));
    expect(ui).not.toMatchObject({ design_tokens: { colors: { brand: { '500': '#7C3AED' } } } });

    const listed = await jsonOf<'GET /api/presets'>(await call('GET', '/api/presets', { token: owner.token, env }));
    expect(listed.provisioningFailure?.message).toMatch(/API token/);
    expect(listed.provisioningFailure?.message).not.toContain('not-a-valid-token');

    const repaired = await ensurePresetsProvisioned(env, owner.org.id);
    expect(repaired).toMatchObject({ updated: [...PRESET_NAMES] });
    expect(await ensurePresetsProvisioned(env, owner.org.id)).toBe('current');
    expect(
      (await jsonOf<'GET /api/presets'>(await call('GET', '/api/presets', { token: owner.token, env })))
        .provisioningFailure,
    ).toBeNull();
  });
});

describe('preset admin routes (spec §12.5)', () => {
  let env: Env;
  let rtk: RtkClient;
  beforeAll(async () => {
    ({ env, rtk } = await freshApp());
    await provisionPresets(env, owner.org.id);
  });
  const as = (session: Session, method: string, path: string, body?: unknown) =>
    call(method, path, { token: session.token, env, ...(body === undefined ? {} : { body }) });

  it('lists every preset of the app, marking the built-ins', async () => {
    const { items, provisioningFailure } = await jsonOf<'GET /api/presets'>(await as(admin, 'GET', '/api/presets'));
    expect(provisioningFailure).toBeNull();
    const builtIns = items
      .filter((item: { builtIn: boolean }) => item.builtIn)
      .map((item: { name: string }) => item.name);
    expect(builtIns.sort()).toEqual([...PRESET_NAMES].sort());
    expect(items.find((item: { name: string }) => item.name === 'group_call_host')).toMatchObject({ builtIn: false });
  });

  it('clones, reads, changes and deletes a custom preset', async () => {
    const source = await idOf(rtk, 'video_participant');
    const cloned = await as(owner, 'POST', `/api/presets/${source}/clone`, { name: 'sales_participant' });
    expect(cloned.status).toBe(201);
    const clone = await jsonOf<'POST /api/presets/{presetId}/clone'>(cloned);
    expect(clone).toMatchObject({ name: 'sales_participant', builtIn: false });
    expect(clone.permissions).toEqual((await rtk.presets.get(source)).permissions);
    expect(clone.id).not.toBe(source);

    expect(await json(await as(admin, 'GET', `/api/presets/${clone.id}`))).toMatchObject({ name: 'sales_participant' });

    const chat = {
      public: { can_send: true, text: true, files: false },
      private: { can_send: false, can_receive: false, text: false, files: false },
    };
    const changed = await as(admin, 'PATCH', `/api/presets/${clone.id}`, {
      name: 'sales_attendee',
      permissions: { ...definition('video_participant').permissions, chat },
    });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ name: 'sales_attendee', permissions: { chat } });

    expect((await as(admin, 'DELETE', `/api/presets/${clone.id}`)).status).toBe(204);
    await expectError(await as(admin, 'GET', `/api/presets/${clone.id}`), 404, 'not_found');
    await expectError(await as(admin, 'DELETE', `/api/presets/${clone.id}`), 404, 'not_found');
  });

  it('creates a custom preset from a full body, once per name', async () => {
    const created = await as(admin, 'POST', '/api/presets', customBody('town_hall_guest'));
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ name: 'town_hall_guest', builtIn: false });
    await expectError(await as(admin, 'POST', '/api/presets', customBody('town_hall_guest')), 409, 'preset_name_taken');
    const source = await idOf(rtk, 'video_guest');
    await expectError(
      await as(admin, 'POST', `/api/presets/${source}/clone`, { name: 'town_hall_guest' }),
      409,
      'preset_name_taken',
    );
  });

  it('keeps the built-ins to Castio: no delete, change, rename onto, or new preset with their names', async () => {
    const videoHost = await idOf(rtk, 'video_host');
    const refusal = await expectError(await as(owner, 'DELETE', `/api/presets/${videoHost}`), 409, 'built_in_preset');
    expect(refusal.message).toBe(
      '“video_host” is one of Castio’s built-in presets and cannot be deleted. Clone it to make your own variant.',
    );
    expect(await namesIn(rtk)).toContain('video_host');
    await expectError(
      await as(owner, 'PATCH', `/api/presets/${videoHost}`, { config: definition('video_host').config }),
      409,
      'built_in_preset',
    );
    await expectError(await as(owner, 'POST', '/api/presets', customBody('video_host')), 409, 'built_in_preset');
    const custom = await jsonOf<'POST /api/presets'>(await as(owner, 'POST', '/api/presets', customBody('renamer')));
    await expectError(
      await as(owner, 'PATCH', `/api/presets/${custom.id}`, { name: 'webinar_guest' }),
      409,
      'built_in_preset',
    );
  });

  it('refuses to clone a preset that is not a complete body (RTK’s own defaults have no colours)', async () => {
    const rtkDefault = await idOf(rtk, 'group_call_host');
    const error = await expectError<unknown[]>(
      await as(admin, 'POST', `/api/presets/${rtkDefault}/clone`, { name: 'copy_of_default' }),
      422,
      'preset_not_copyable',
    );
    expect(error.details?.length).toBeGreaterThan(0);
  });

  it('answers 404 for presets RTK does not have', async () => {
    for (const [method, body] of [['GET'], ['DELETE'], ['PATCH', { name: 'x1' }]] as const) {
      await expectError(await as(admin, method, '/api/presets/00000000-0000-4000-8000-000000000000', body), 404);
    }
    await expectError(
      await as(admin, 'POST', '/api/presets/00000000-0000-4000-8000-000000000000/clone', { name: 'x2' }),
      404,
      'not_found',
    );
  });

  it('validates bodies with the preset schema (400 envelope with the failing path)', async () => {
    const body = customBody('bad_one');
    const cases: [unknown, string][] = [
      [{ ...body, config: { ...body.config, view_type: 'LIVE' } }, 'config.view_type'],
      [{ ...body, permissions: { ...body.permissions, kick_participant: undefined } }, 'permissions.kick_participant'],
      [
        {
          ...body,
          ui: {
            design_tokens: { ...body.ui.design_tokens, colors: { ...body.ui.design_tokens.colors, text: 'white' } },
          },
        },
        'ui.design_tokens.colors.text',
      ],
      [{ ...body, permissions: { ...body.permissions, can_recrod: true } }, 'permissions'],
      [{ ...body, name: 'has spaces' }, 'name'],
    ];
    for (const [invalid, path] of cases) {
      const error = await expectError<{ path: string }[]>(
        await as(admin, 'POST', '/api/presets', invalid),
        400,
        'validation_failed',
      );
      expect(error.details?.map((detail) => detail.path)).toContain(path);
    }
    const custom = await jsonOf<'POST /api/presets'>(await as(admin, 'POST', '/api/presets', customBody('patchable')));
    await expectError(await as(admin, 'PATCH', `/api/presets/${custom.id}`, {}), 400, 'validation_failed');
    await expectError(
      await as(admin, 'PATCH', `/api/presets/${custom.id}`, { ui: { design_tokens: { theme: 'dark' } } }),
      400,
      'validation_failed',
    );
    await expectError(
      await as(admin, 'POST', `/api/presets/${custom.id}/clone`, { name: '' }),
      400,
      'validation_failed',
    );
    await expectError(await as(admin, 'POST', '/api/presets/provision', { force: true }), 400, 'validation_failed');
  });

  it('is for owners and admins only', async () => {
    const id = await idOf(rtk, 'video_host');
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/presets'],
      ['GET', `/api/presets/${id}`],
      ['POST', '/api/presets', customBody('by_member')],
      ['POST', `/api/presets/${id}/clone`, { name: 'by_member' }],
      ['PATCH', `/api/presets/${id}`, { name: 'by_member' }],
      ['DELETE', `/api/presets/${id}`],
      ['POST', '/api/presets/provision', {}],
    ];
    for (const session of [member, host]) {
      for (const [method, path, body] of routes)
        await expectError(await as(session, method, path, body), 403, 'forbidden');
    }
    await expectError(await call('GET', '/api/presets', { env }), 401);
    expect(await namesIn(rtk)).not.toContain('by_member');
  });

  it('answers 502 with a plain message when RTK fails, and 503 when RTK is not set up', async () => {
    const broken = { ...env, RTK_API_TOKEN: 'wrong-token' };
    const error = await expectError(
      await call('GET', '/api/presets', { token: admin.token, env: broken }),
      502,
      'rtk_unavailable',
    );
    expect(error.message).toMatch(/RealtimeKit did not accept the API token/);
    expect(error.message).not.toContain('wrong-token');
    const unset = { ...env, RTK_APP_ID: undefined };
    await expectError(await call('GET', '/api/presets', { token: admin.token, env: unset }), 503, 'rtk_not_configured');
    await expectError(
      await call('POST', '/api/presets/provision', { token: admin.token, body: {}, env: unset }),
      503,
      'rtk_not_configured',
    );
  });
});
