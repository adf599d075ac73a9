// Apps (list/create) and presets (CRUD, validated against the preset schema).
import { randomUUID } from 'node:crypto';
import { RtkApiError, rtkOk, rtkPage } from './rtk-envelope.ts';
import { parseBody, presetCreate, presetPatch } from './rtk-schemas.ts';
import { RTK_BASE, RTK_META, appOr404 } from './rtk-lookup.mjs';
import { defaultPresets } from './default-presets.mjs';

const appView = (a) => ({ id: a.id, name: a.name, created_at: a.created_at });
const presetSummary = (p) => ({ id: p.id, name: p.name, created_at: p.created_at, updated_at: p.updated_at });
export const presetView = (p) => ({
  id: p.id,
  name: p.name,
  config: p.config,
  permissions: p.permissions,
  ui: p.ui,
  created_at: p.created_at,
  updated_at: p.updated_at,
});

/** Creates an app with RTK's default presets (as the dashboard does). */
export function createApp(store, name) {
  return store.transact((s) => {
    const now = new Date().toISOString();
    const app = { id: randomUUID(), name, created_at: now };
    s.rtk.apps.push(app);
    for (const preset of defaultPresets())
      s.rtk.presets.push({ id: randomUUID(), app_id: app.id, ...preset, created_at: now, updated_at: now });
    return app;
  });
}

const deepMerge = (base, patch) => {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out = { ...(typeof base === 'object' && base !== null ? base : {}) };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v);
  return out;
};

/** @param {import('../http/router.ts').Router} router @param {any} deps */
export function registerAppAndPresetRoutes(router, { store }) {
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
  const find = (appId, presetId) => {
    appOr404(store, appId);
    const preset = store.data.rtk.presets.find((p) => p.id === presetId && p.app_id === appId);
    if (!preset) throw new RtkApiError(404, `Preset ${presetId} not found`);
    return preset;
  };
  const nameTaken = (s, appId, name, exceptId) =>
    s.rtk.presets.some((p) => p.app_id === appId && p.name === name && p.id !== exceptId);

  router.add('POST', base, RTK_META, async ({ params, request }) => {
    appOr404(store, params.appId);
    const body = await parseBody(request, presetCreate);
    const preset = store.transact((s) => {
      if (nameTaken(s, params.appId, body.name))
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
    (replace) =>
    async ({ params, request }) => {
      find(params.appId, params.presetId);
      const body = await parseBody(request, replace ? presetCreate : presetPatch);
      const preset = store.transact((s) => {
        const p = s.rtk.presets.find((x) => x.id === params.presetId);
        if (body.name && nameTaken(s, params.appId, body.name, p.id))
          throw new RtkApiError(409, `A preset named ${body.name} already exists`);
        for (const key of ['name', 'config', 'permissions', 'ui']) {
          if (body[key] === undefined) continue;
          p[key] = replace || key === 'name' ? body[key] : deepMerge(p[key], body[key]);
        }
        p.updated_at = new Date().toISOString();
        // A patch must still leave a valid preset (thrown inside the transaction: nothing is saved).
        const check = presetCreate.safeParse(p);
        if (!check.success)
          throw new RtkApiError(
            400,
            `Invalid preset after patch: ${check.error.issues[0].path.join('.')}: ${check.error.issues[0].message}`,
          );
        return p;
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
