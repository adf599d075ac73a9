// Workers scripts: upload (+deploy), list, get, delete; versions; deployments (percentage); secrets;
// cron schedules; script settings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfApiError, cfOk } from '../http/cf-envelope.ts';
import { isPlainObject, readJson } from '../http/request-body.ts';
import { nowIso } from '../state/ids.ts';
import { parseCron } from '../workers-runtime/cron.mjs';
import { servingVersions } from '../workers-runtime/runtime.mjs';
import { checkScriptName, latestVersion, readUploadForm, validateUpload } from './workers-upload-form.mjs';
import {
  applyOrRollback,
  buildVersion,
  cloneVersionWithBindings,
  deploymentRecord,
  newScript,
} from './workers-versions.mjs';
import { redeemCompletionToken } from './workers-assets-routes.mjs';

const W = { account: true, permission: 'workers_scripts:write' };
const R = { account: true, permission: 'workers_scripts:read' };
const scriptNotFound = (name) =>
  new CfApiError(404, 10007, `This Worker (${name}) does not exist on your account. [code: 10007]`);

const scriptView = (s) => {
  const v = servingVersions(s)[0]?.version ?? latestVersion(s);
  return {
    id: s.name,
    tag: s.tag,
    etag: v?.etag ?? null,
    handlers: v?.handlers ?? [],
    compatibility_date: v?.compatibility_date ?? null,
    compatibility_flags: v?.compatibility_flags ?? [],
    migration_tag: s.migration_tag ?? undefined,
    has_modules: Boolean(v?.main_module),
    has_assets: Boolean(v?.assets),
    created_on: s.created_on,
    modified_on: s.modified_on,
    usage_model: 'standard',
    logpush: s.settings.logpush,
    placement_mode: null,
    startup_time_ms: 5,
    observability: s.settings.observability,
    tail_consumers: s.settings.tail_consumers,
  };
};

const versionView = (v) => ({
  id: v.id,
  number: v.number,
  metadata: {
    created_on: v.created_on,
    modified_on: v.created_on,
    source: v.source,
    author_email: 'local-cloud@castio.test',
    author_id: 'local',
    has_preview: false,
    hasPreview: false,
  },
  annotations: v.annotations,
  resources: {
    bindings: v.bindings.map(({ text, ...b }) =>
      b.type === 'secret_text' ? b : text === undefined ? b : { ...b, text },
    ),
    script: { etag: v.etag, handlers: v.handlers, last_deployed_from: v.source },
    script_runtime: {
      compatibility_date: v.compatibility_date,
      compatibility_flags: v.compatibility_flags,
      usage_model: 'standard',
      migration_tag: v.migration_tag ?? undefined,
    },
  },
  startup_time_ms: 5,
});

/** @param {import('../http/router.ts').Router} router @param {any} context */
export function registerWorkersScriptRoutes(router, context) {
  const { store, runtime, stateDir } = context;
  const base = '/client/v4/accounts/:accountId/workers/scripts';
  const find = (name) => {
    const s = store.data.scripts[name];
    if (!s) throw scriptNotFound(name);
    return s;
  };

  /** Shared by PUT /scripts/{name} (upload + deploy) and POST /versions (upload only). */
  const upload = async ({ params, request, url }, { deploy }) => {
    checkScriptName(params.scriptName);
    const existing = store.data.scripts[params.scriptName] ?? null;
    if (!deploy && !existing) throw scriptNotFound(params.scriptName);
    const form = await readUploadForm(request);
    const fields = validateUpload(form, {
      state: store.data,
      script: existing,
      versionsApi: !deploy,
      bindingsInheritStrict: url.searchParams.get('bindings_inherit') === 'strict',
    });
    const assetsFromUpload = fields.assets?.jwt
      ? redeemCompletionToken(store, fields.assets.jwt, params.scriptName, fields.assets.config)
      : null;
    const version = buildVersion({
      runtime,
      stateDir,
      scriptName: params.scriptName,
      previousScript: existing,
      fields,
      modules: form.modules,
      assetsFromUpload,
      source: deploy ? 'api' : 'api_version',
    });
    const snapshot = store.snapshot();
    store.transact((s) => {
      const script = s.scripts[params.scriptName] ?? newScript(params.scriptName);
      s.scripts[params.scriptName] = script;
      script.versions.push(version);
      if (script.versions.length > 100) script.versions.splice(0, script.versions.length - 100);
      script.modified_on = nowIso();
      if (deploy) {
        script.migration_tag = fields.migration_tag;
        script.do_classes = fields.do_classes;
        script.deployments.push(deploymentRecord([{ version_id: version.id, percentage: 100 }]));
        for (const key of ['observability', 'logpush', 'tags'])
          if (fields[key] !== null) script.settings[key] = fields[key];
      }
    });
    if (deploy) await applyOrRollback(context, snapshot);
    else await context.endpoints.sync();
    const script = store.data.scripts[params.scriptName];
    return deploy
      ? cfOk({ ...scriptView(script), id: script.name, etag: version.etag, startup_time_ms: 5 })
      : cfOk(versionView(version));
  };

  router.add('PUT', `${base}/:scriptName`, W, (ctx) => upload(ctx, { deploy: true }));
  router.add('POST', `${base}/:scriptName/versions`, W, (ctx) => upload(ctx, { deploy: false }));

  router.add('GET', base, R, () => cfOk(Object.values(store.data.scripts).map(scriptView)));
  router.add('GET', `${base}/:scriptName`, R, ({ params }) => {
    const s = find(params.scriptName);
    const v = servingVersions(s)[0]?.version ?? latestVersion(s);
    const file = join(runtime.versionDir(s.name, v.id), 'modules', v.main_module ?? v.body_part);
    return new Response(readFileSync(file), { headers: { 'content-type': 'application/javascript' } });
  });
  router.add('GET', `${base}/:scriptName/settings`, R, ({ params }) =>
    cfOk({
      ...find(params.scriptName).settings,
      bindings: servingVersions(find(params.scriptName))[0]?.version.bindings.map(({ text, ...b }) => b) ?? [],
    }),
  );
  for (const path of ['script-settings', 'settings'])
    router.add('PATCH', `${base}/:scriptName/${path}`, W, async ({ params, request }) => {
      find(params.scriptName);
      const body = await readJsonOrForm(request);
      const settings = store.transact((s) => {
        const target = s.scripts[params.scriptName].settings;
        for (const key of ['logpush', 'observability', 'tags', 'tail_consumers'])
          if (body[key] !== undefined) target[key] = body[key];
        return target;
      });
      return cfOk(settings);
    });
  router.add('GET', `${base}/:scriptName/script-settings`, R, ({ params }) => cfOk(find(params.scriptName).settings));

  router.add('DELETE', `${base}/:scriptName`, W, async ({ params, url }) => {
    find(params.scriptName);
    const dependants = Object.values(store.data.scripts).filter(
      (s) =>
        s.name !== params.scriptName &&
        servingVersions(s).some(({ version }) =>
          version.bindings.some(
            (b) =>
              (b.type === 'service' && b.service === params.scriptName) ||
              (b.type === 'durable_object_namespace' && b.script_name === params.scriptName),
          ),
        ),
    );
    if (dependants.length && url.searchParams.get('force') !== 'true')
      throw new CfApiError(
        400,
        10064,
        `Cannot delete this Worker: it is referenced by ${dependants.map((d) => d.name).join(', ')}. Pass force=true to delete anyway.`,
      );
    const snapshot = store.snapshot();
    store.transact((s) => {
      delete s.scripts[params.scriptName];
      s.domains = s.domains.filter((d) => d.service !== params.scriptName);
    });
    await applyOrRollback(context, snapshot);
    return cfOk(null);
  });

  // --- Versions and deployments ------------------------------------------------------------------------------
  router.add('GET', `${base}/:scriptName/versions`, R, ({ params, url }) => {
    const versions = [...find(params.scriptName).versions].reverse().map(versionView);
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 10) || 10, 100);
    const items = versions.slice((page - 1) * perPage, page * perPage);
    return cfOk(
      { items },
      { resultInfo: { page, per_page: perPage, count: items.length, total_count: versions.length } },
    );
  });
  router.add('GET', `${base}/:scriptName/versions/:versionId`, R, ({ params }) => {
    const v = find(params.scriptName).versions.find((x) => x.id === params.versionId);
    if (!v) throw new CfApiError(404, 10222, 'Version not found');
    return cfOk(versionView(v));
  });
  router.add('POST', `${base}/:scriptName/deployments`, W, async ({ params, request }) => {
    const script = find(params.scriptName);
    const body = await readJson(request);
    if (!isPlainObject(body) || body.strategy !== 'percentage')
      throw new CfApiError(400, 10021, '`strategy` must be "percentage".');
    if (!Array.isArray(body.versions) || body.versions.length < 1 || body.versions.length > 2)
      throw new CfApiError(400, 10021, 'A deployment has one or two versions.');
    for (const v of body.versions) {
      if (
        !isPlainObject(v) ||
        typeof v.version_id !== 'string' ||
        typeof v.percentage !== 'number' ||
        v.percentage < 0 ||
        v.percentage > 100
      )
        throw new CfApiError(400, 10021, 'Each version needs `version_id` and a `percentage` within 0–100.');
      if (!script.versions.some((x) => x.id === v.version_id))
        throw new CfApiError(400, 10222, `Version ${v.version_id} does not exist for this Worker.`);
    }
    if (new Set(body.versions.map((v) => v.version_id)).size !== body.versions.length)
      throw new CfApiError(400, 10021, 'A version appears twice.');
    if (Math.abs(body.versions.reduce((a, v) => a + v.percentage, 0) - 100) > 1e-9)
      throw new CfApiError(400, 10021, 'Percentages must add up to 100.');
    const snapshot = store.snapshot();
    const record = store.transact((s) => {
      const d = deploymentRecord(
        body.versions.map((v) => ({ version_id: v.version_id, percentage: v.percentage })),
        { annotations: body.annotations ?? {} },
      );
      s.scripts[params.scriptName].deployments.push(d);
      s.scripts[params.scriptName].modified_on = nowIso();
      return d;
    });
    await applyOrRollback(context, snapshot);
    return cfOk(record);
  });
  router.add('GET', `${base}/:scriptName/deployments`, R, ({ params }) =>
    cfOk({ deployments: [...find(params.scriptName).deployments].reverse() }),
  );
  router.add('GET', `${base}/:scriptName/deployments/:deploymentId`, R, ({ params }) => {
    const d = find(params.scriptName).deployments.find((x) => x.id === params.deploymentId);
    if (!d) throw new CfApiError(404, 10222, 'Deployment not found');
    return cfOk(d);
  });

  // --- Secrets -------------------------------------------------------------------------------------------------
  const editSecrets = async (scriptName, edit) => {
    const script = find(scriptName);
    const serving = servingVersions(script);
    const latest = latestVersion(script);
    if (serving.length !== 1 || serving[0].version.id !== latest.id)
      throw new CfApiError(
        400,
        10215,
        "Secret edit failed. You attempted to modify a secret, but the latest version of your Worker isn't currently deployed. [code: 10215]",
      );
    const bindings = edit(structuredClone(latest.bindings));
    const version = cloneVersionWithBindings(runtime, script, latest, bindings, 'secret');
    const snapshot = store.snapshot();
    store.transact((s) => {
      const target = s.scripts[scriptName];
      target.versions.push(version);
      target.deployments.push(deploymentRecord([{ version_id: version.id, percentage: 100 }], { source: 'secret' }));
      target.modified_on = nowIso();
    });
    await applyOrRollback(context, snapshot);
  };
  router.add('PUT', `${base}/:scriptName/secrets`, W, async ({ params, request }) => {
    const body = await readJson(request);
    if (
      !isPlainObject(body) ||
      typeof body.name !== 'string' ||
      !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(body.name) ||
      typeof body.text !== 'string'
    )
      throw new CfApiError(400, 10021, 'A secret needs a valid `name` and a string `text`.');
    if ((body.type ?? 'secret_text') !== 'secret_text')
      throw new CfApiError(400, 10021, 'Only `secret_text` secrets are supported.');
    await editSecrets(params.scriptName, (bindings) => {
      const clash = bindings.find((b) => b.name === body.name && b.type !== 'secret_text');
      if (clash)
        throw new CfApiError(400, 10053, `Binding name '${body.name}' already in use by a ${clash.type} binding.`);
      return [
        ...bindings.filter((b) => b.name !== body.name),
        { type: 'secret_text', name: body.name, text: body.text },
      ];
    });
    return cfOk({ name: body.name, type: 'secret_text' });
  });
  router.add('GET', `${base}/:scriptName/secrets`, R, ({ params }) => {
    const v = servingVersions(find(params.scriptName))[0]?.version;
    return cfOk(
      (v?.bindings ?? []).filter((b) => b.type === 'secret_text').map((b) => ({ name: b.name, type: 'secret_text' })),
    );
  });
  router.add('GET', `${base}/:scriptName/secrets/:secretName`, R, ({ params }) => {
    const v = servingVersions(find(params.scriptName))[0]?.version;
    if (!v?.bindings.some((b) => b.type === 'secret_text' && b.name === params.secretName))
      throw new CfApiError(404, 10056, 'Secret not found');
    return cfOk({ name: params.secretName, type: 'secret_text' });
  });
  router.add('DELETE', `${base}/:scriptName/secrets/:secretName`, W, async ({ params }) => {
    const v = servingVersions(find(params.scriptName))[0]?.version;
    if (!v?.bindings.some((b) => b.type === 'secret_text' && b.name === params.secretName))
      throw new CfApiError(404, 10056, 'Secret not found');
    await editSecrets(params.scriptName, (bindings) => bindings.filter((b) => b.name !== params.secretName));
    return cfOk(null);
  });

  // --- Cron schedules ------------------------------------------------------------------------------------------
  router.add('PUT', `${base}/:scriptName/schedules`, W, async ({ params, request }) => {
    find(params.scriptName);
    const body = await readJson(request);
    if (!Array.isArray(body) || body.some((x) => !isPlainObject(x) || typeof x.cron !== 'string'))
      throw new CfApiError(400, 10021, 'The body must be an array of { cron } objects.');
    if (body.length > 3) throw new CfApiError(400, 10021, 'A Worker can have at most 3 cron triggers.');
    for (const { cron } of body) {
      try {
        parseCron(cron);
      } catch (error) {
        throw new CfApiError(400, 10100, `Invalid cron "${cron}": ${error.message}`);
      }
    }
    const schedules = store.transact((s) => {
      const now = nowIso();
      s.scripts[params.scriptName].schedules = body.map(({ cron }) => ({
        cron: cron.trim(),
        created_on: now,
        modified_on: now,
      }));
      return s.scripts[params.scriptName].schedules;
    });
    return cfOk({ schedules });
  });
  router.add('GET', `${base}/:scriptName/schedules`, R, ({ params }) =>
    cfOk({ schedules: find(params.scriptName).schedules }),
  );
}

async function readJsonOrForm(request) {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await request.formData().catch(() => null);
    const settings = form?.get('settings');
    if (!settings) throw new CfApiError(400, 10021, 'Expected a `settings` part.');
    return JSON.parse(typeof settings === 'string' ? settings : await settings.text());
  }
  return readJson(request);
}
