// Workers scripts: upload (+deploy), list, get, delete; script settings; cron schedules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../error-message.ts';
import { CfApiError, cfOk } from '../http/cf-envelope.ts';
import { isPlainObject, type JsonObject, readJson } from '../http/request-body.ts';
import type { RouteContext, Router } from '../http/router.ts';
import { nowIso } from '../state/ids.ts';
import { type Binding, latestVersion, type ScriptRecord, type ScriptSettings } from '../state/workers-records.ts';
import { parseCron } from '../workers-runtime/cron.ts';
import { servingVersions } from '../workers-runtime/runtime.ts';
import { redeemCompletionToken } from './workers-assets-routes.ts';
import { scriptNotFound, scriptOr404, WORKERS_READ, WORKERS_WRITE } from './workers-lookup.ts';
import { checkScriptName, readUploadForm, validateUpload } from './workers-upload-form.ts';
import {
  applyOrRollback,
  buildVersion,
  type DeployDeps,
  deploymentRecord,
  newScript,
  versionView,
} from './workers-versions.ts';

const SETTINGS = ['logpush', 'observability', 'tags', 'tail_consumers'] as const satisfies (keyof ScriptSettings)[];
/** The settings an upload's metadata can change. */
const UPLOAD_SETTINGS = ['observability', 'logpush', 'tags'] as const satisfies (keyof ScriptSettings)[];

/** The version a script serves (its largest share), else its latest. */
const currentVersion = (s: ScriptRecord) => servingVersions(s)[0]?.version ?? latestVersion(s);

const scriptView = (s: ScriptRecord) => {
  const v = currentVersion(s);
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

/** A binding as settings show it: no text, not even a plain one. */
const withoutText = (b: Binding) => {
  if (!('text' in b)) return b;
  const { text, ...rest } = b;
  return rest;
};

export function registerWorkersScriptRoutes(router: Router, context: DeployDeps & { stateDir: string }): void {
  const { store, runtime, stateDir } = context;
  const base = '/client/v4/accounts/:accountId/workers/scripts';
  const find = (name: string) => scriptOr404(store, name);

  /** Shared by PUT /scripts/{name} (upload + deploy) and POST /versions (upload only). */
  const upload = async (
    { params, request, url }: RouteContext<{ scriptName: string }>,
    { deploy }: { deploy: boolean },
  ) => {
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
    const script = store.transact((s) => {
      const script = s.scripts[params.scriptName] ?? newScript(params.scriptName);
      s.scripts[params.scriptName] = script;
      script.versions.push(version);
      if (script.versions.length > 100) script.versions.splice(0, script.versions.length - 100);
      script.modified_on = nowIso();
      if (deploy) {
        script.migration_tag = fields.migration_tag;
        script.do_classes = fields.do_classes;
        script.deployments.push(deploymentRecord([{ version_id: version.id, percentage: 100 }]));
        for (const key of UPLOAD_SETTINGS) if (fields[key] !== null) script.settings[key] = fields[key];
      }
      return script;
    });
    if (deploy) await applyOrRollback(context, snapshot);
    else await context.endpoints.sync();
    return deploy
      ? cfOk({ ...scriptView(script), id: script.name, etag: version.etag, startup_time_ms: 5 })
      : cfOk(versionView(version));
  };

  router.add('PUT', `${base}/:scriptName`, WORKERS_WRITE, (ctx) => upload(ctx, { deploy: true }));
  router.add('POST', `${base}/:scriptName/versions`, WORKERS_WRITE, (ctx) => upload(ctx, { deploy: false }));

  router.add('GET', base, WORKERS_READ, () => cfOk(Object.values(store.data.scripts).map(scriptView)));
  router.add('GET', `${base}/:scriptName`, WORKERS_READ, ({ params }) => {
    const s = find(params.scriptName);
    const v = currentVersion(s);
    if (!v) throw scriptNotFound(s.name);
    const file = join(runtime.versionDir(s.name, v.id), 'modules', v.main_module ?? v.body_part ?? '');
    return new Response(readFileSync(file), { headers: { 'content-type': 'application/javascript' } });
  });
  router.add('GET', `${base}/:scriptName/settings`, WORKERS_READ, ({ params }) => {
    const s = find(params.scriptName);
    return cfOk({ ...s.settings, bindings: servingVersions(s)[0]?.version.bindings.map(withoutText) ?? [] });
  });
  for (const path of ['script-settings', 'settings'])
    router.add('PATCH', `${base}/:scriptName/${path}`, WORKERS_WRITE, async ({ params, request }) => {
      const { settings } = find(params.scriptName);
      const body = await readJsonOrForm(request);
      const changed = { ...settings };
      for (const key of SETTINGS) if (body[key] !== undefined) changed[key] = body[key];
      store.transact((s) => {
        const target = s.scripts[params.scriptName];
        if (target) target.settings = changed;
      });
      return cfOk(changed);
    });
  router.add('GET', `${base}/:scriptName/script-settings`, WORKERS_READ, ({ params }) =>
    cfOk(find(params.scriptName).settings),
  );

  router.add('DELETE', `${base}/:scriptName`, WORKERS_WRITE, async ({ params, url }) => {
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

  // --- Cron schedules ------------------------------------------------------------------------------------------
  router.add('PUT', `${base}/:scriptName/schedules`, WORKERS_WRITE, async ({ params, request }) => {
    find(params.scriptName);
    const body = await readJson(request);
    if (!Array.isArray(body) || body.some((x) => !isPlainObject(x) || typeof x.cron !== 'string'))
      throw new CfApiError(400, 10021, 'The body must be an array of { cron } objects.');
    if (body.length > 3) throw new CfApiError(400, 10021, 'A Worker can have at most 3 cron triggers.');
    const crons: string[] = body.map(({ cron }) => cron);
    for (const cron of crons) {
      try {
        parseCron(cron);
      } catch (error) {
        throw new CfApiError(400, 10100, `Invalid cron "${cron}": ${errorMessage(error)}`);
      }
    }
    const now = nowIso();
    const schedules = crons.map((cron) => ({ cron: cron.trim(), created_on: now, modified_on: now }));
    store.transact((s) => {
      const target = s.scripts[params.scriptName];
      if (target) target.schedules = schedules;
    });
    return cfOk({ schedules });
  });
  router.add('GET', `${base}/:scriptName/schedules`, WORKERS_READ, ({ params }) =>
    cfOk({ schedules: find(params.scriptName).schedules }),
  );
}

/** Settings as JSON, or as the `settings` part of a multipart body (as wrangler sends them). */
async function readJsonOrForm(request: Request): Promise<JsonObject> {
  const type = request.headers.get('content-type') ?? '';
  let body: unknown;
  if (type.startsWith('multipart/form-data')) {
    const form = await request.formData().catch(() => null);
    const settings = form?.get('settings');
    if (!settings) throw new CfApiError(400, 10021, 'Expected a `settings` part.');
    body = JSON.parse(typeof settings === 'string' ? settings : await settings.text());
  } else body = await readJson(request);
  if (!isPlainObject(body)) throw new CfApiError(400, 10021, 'Settings must be a JSON object.');
  return body;
}
