// Apps (list/create) and presets (CRUD, validated against the preset schema).
import { randomUUID } from 'node:crypto';
import type { RouteContext, Router } from '../http/router.ts';
import type { Preset, RtkApp, RtkState } from '../state/rtk-records.ts';
import type { StateStore } from '../state/store.ts';
import { defaultPresets } from './default-presets.ts';
import { RtkApiError, rtkOk, rtkPage } from './rtk-envelope.ts';
import { appOr404, RTK_BASE, RTK_META } from './rtk-lookup.ts';
import { firstIssue, parseBody, presetCreate, presetPatch } from './rtk-schemas.ts';

/** The parts of a preset a PATCH merges into (a PUT replaces them). */
const CONTENT = ['config', 'permissions', 'ui'] as const;

const appView = (a: RtkApp) => ({ id: a.id, name: a.name, created_at: a.created_at });
const presetSummary = (p: Preset) => ({ id: p.id, name: p.name, created_at: p.created_at, updated_at: p.updated_at });
export const presetView = (p: Preset) => ({
  id: p.id,
  name: p.name,
  config: p.config,
  permissions: p.permissions,
  ui: p.ui,
  created_at: p.created_at,
  updated_at: p.updated_at,
});

/** Creates an app with RTK's default presets (as the dashboard does). */
export function createApp(store: StateStore, name: string): RtkApp {
  return store.transact((s) => {
    const now = new Date().toISOString();
    const app = { id: randomUUID(), name, created_at: now };
    s.rtk.apps.push(app);
    for (const preset of defaultPresets())
      s.rtk.presets.push({ id: randomUUID(), app_id: app.id, ...preset, created_at: now, updated_at: now });
    return app;
  });
}

/** `patch` over `base`, objects merged key by key, anything else replaced. */
const deepMerge = (base: unknown, patch: unknown): unknown => {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = { ...(typeof base === 'object' && base !== null ? base : {}) };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v);
  return out;
};

export function registerAppAndPresetRoutes(router: Router, { store }: { store: StateStore }): void {
  router.add('GET', `${RTK_BASE}/apps`, RTK_META, ({ url }) => {
    const search = url.searchParams.get('search')?.toLowerCase();
    const desc = url.searchParams.get('sort_order') === 'DESC';
    const apps = store.data.rtk.apps.filter((a) => !search || a.name.toLowerCase().includes(search)).map(appView);
    if (desc) apps.reverse();
    const { slice, paging } = rtkPage(url, apps);
    return rtkOk(slice, { paging });
  });
  router.add('POST', `${RTK_BASE}/apps`, RTK_META, async ({ request }) => {
    const body = await parseBody(request, presetCreate.pick({ name: true }));
    return rtkOk({ app: appView(createApp(store, body.name)) }, { status: 201 });
  });

  const base = `${RTK_BASE}/:appId/presets`;
  const find = (appId: string, presetId: string) => {
    appOr404(store, appId);
    const preset = store.data.rtk.presets.find((p) => p.id === presetId && p.app_id === appId);
    if (!preset) throw new RtkApiError(404, `Preset ${presetId} not found`);
    return preset;
  };
  const nameTaken = (rtk: RtkState, appId: string, name: string, exceptId?: string) =>
    rtk.presets.some((p) => p.app_id === appId && p.name === name && p.id !== exceptId);

  router.add('POST', base, RTK_META, async ({ params, request }) => {
    appOr404(store, params.appId);
    const body = await parseBody(request, presetCreate);
    const preset = store.transact((s) => {
      if (nameTaken(s.rtk, params.appId, body.name))
        throw new RtkApiError(409, `A preset named ${body.name} already exists`);
      const now = new Date().toISOString();
      const p = {
        id: randomUUID(),
        app_id: params.appId,
        name: body.name,
        config: body.config,
        permissions: body.permissions,
        ui: body.ui,
        created_at: now,
        updated_at: now,
      };
      s.rtk.presets.push(p);
      return p;
    });
    return rtkOk(presetView(preset), { status: 201 });
  });
  router.add('GET', base, RTK_META, ({ params, url }) => {
    appOr404(store, params.appId);
    const search = url.searchParams.get('search')?.toLowerCase();
    const list = store.data.rtk.presets
      .filter((p) => p.app_id === params.appId && (!search || p.name.toLowerCase().includes(search)))
      .map(presetSummary);
    const { slice, paging } = rtkPage(url, list);
    return rtkOk(slice, { paging });
  });
  router.add('GET', `${base}/:presetId`, RTK_META, ({ params }) =>
    rtkOk(presetView(find(params.appId, params.presetId))),
  );
  const update =
    (replace: boolean) =>
    async ({ params, request }: RouteContext<{ appId: string; presetId: string }>) => {
      const current = find(params.appId, params.presetId);
      const body = await parseBody(request, replace ? presetCreate : presetPatch);
      if (body.name && nameTaken(store.data.rtk, params.appId, body.name, current.id))
        throw new RtkApiError(409, `A preset named ${body.name} already exists`);
      const changed: Record<string, unknown> = { ...current, name: body.name ?? current.name };
      for (const key of CONTENT)
        if (body[key] !== undefined) changed[key] = replace ? body[key] : deepMerge(current[key], body[key]);
      // A patch must still leave a valid preset.
      const check = presetCreate.safeParse(changed);
      if (!check.success) throw new RtkApiError(400, `Invalid preset after patch: ${firstIssue(check.error)}`);
      const { name, config, permissions, ui } = check.data;
      const preset: Preset = { ...current, name, config, permissions, ui, updated_at: new Date().toISOString() };
      store.transact((s) => {
        s.rtk.presets = s.rtk.presets.map((p) => (p.id === preset.id ? preset : p));
      });
      return rtkOk(presetView(preset));
    };
  router.add('PATCH', `${base}/:presetId`, RTK_META, update(false));
  router.add('PUT', `${base}/:presetId`, RTK_META, update(true));
  router.add('DELETE', `${base}/:presetId`, RTK_META, ({ params }) => {
    const preset = find(params.appId, params.presetId);
    store.transact((s) => {
      s.rtk.presets = s.rtk.presets.filter((p) => p.id !== preset.id);
    });
    return rtkOk(presetView(preset));
  });
}
