// Workers versions and deployments (percentage, one or two versions), and secrets, whose every edit is a new
// version deployed at once (as on Cloudflare).
import { CfApiError, cfOk } from '../http/cf-envelope.ts';
import { isPlainObject, readJson } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';
import { nowIso } from '../state/ids.ts';
import { type Binding, type DeploymentVersion, latestVersion, type ScriptRecord } from '../state/workers-records.ts';
import { servingVersions } from '../workers-runtime/runtime.ts';
import { scriptOr404, WORKERS_READ, WORKERS_WRITE } from './workers-lookup.ts';
import {
  applyOrRollback,
  cloneVersionWithBindings,
  type DeployDeps,
  deploymentRecord,
  versionView,
} from './workers-versions.ts';

const BINDING_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A deployment's `versions`: one or two existing versions, each once, percentages adding up to 100. */
function parseDeploymentVersions(script: ScriptRecord, versions: unknown): DeploymentVersion[] {
  if (!Array.isArray(versions) || versions.length < 1 || versions.length > 2)
    throw new CfApiError(400, 10021, 'A deployment has one or two versions.');
  const parsed = versions.map((v: unknown) => {
    if (
      !isPlainObject(v) ||
      typeof v.version_id !== 'string' ||
      typeof v.percentage !== 'number' ||
      v.percentage < 0 ||
      v.percentage > 100
    )
      throw new CfApiError(400, 10021, 'Each version needs `version_id` and a `percentage` within 0–100.');
    const { version_id, percentage } = v;
    if (!script.versions.some((x) => x.id === version_id))
      throw new CfApiError(400, 10222, `Version ${version_id} does not exist for this Worker.`);
    return { version_id, percentage };
  });
  if (new Set(parsed.map((v) => v.version_id)).size !== parsed.length)
    throw new CfApiError(400, 10021, 'A version appears twice.');
  if (Math.abs(parsed.reduce((a, v) => a + v.percentage, 0) - 100) > 1e-9)
    throw new CfApiError(400, 10021, 'Percentages must add up to 100.');
  return parsed;
}

const isSecret = (b: Binding, name?: string) => b.type === 'secret_text' && (name === undefined || b.name === name);

export function registerWorkersDeploymentRoutes(router: Router, context: DeployDeps): void {
  const { store, runtime } = context;
  const base = '/client/v4/accounts/:accountId/workers/scripts/:scriptName';
  const find = (name: string) => scriptOr404(store, name);

  router.add('GET', `${base}/versions`, WORKERS_READ, ({ params, url }) => {
    const versions = [...find(params.scriptName).versions].reverse().map(versionView);
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 10) || 10, 100);
    const items = versions.slice((page - 1) * perPage, page * perPage);
    return cfOk(
      { items },
      { resultInfo: { page, per_page: perPage, count: items.length, total_count: versions.length } },
    );
  });
  router.add('GET', `${base}/versions/:versionId`, WORKERS_READ, ({ params }) => {
    const v = find(params.scriptName).versions.find((x) => x.id === params.versionId);
    if (!v) throw new CfApiError(404, 10222, 'Version not found');
    return cfOk(versionView(v));
  });

  router.add('POST', `${base}/deployments`, WORKERS_WRITE, async ({ params, request }) => {
    const script = find(params.scriptName);
    const body = await readJson(request);
    if (!isPlainObject(body) || body.strategy !== 'percentage')
      throw new CfApiError(400, 10021, '`strategy` must be "percentage".');
    const versions = parseDeploymentVersions(script, body.versions);
    const annotations = isPlainObject(body.annotations) ? body.annotations : {};
    const record = deploymentRecord(versions, { annotations });
    const snapshot = store.snapshot();
    store.transact((s) => {
      const target = s.scripts[params.scriptName];
      target?.deployments.push(record);
      if (target) target.modified_on = nowIso();
    });
    await applyOrRollback(context, snapshot);
    return cfOk(record);
  });
  router.add('GET', `${base}/deployments`, WORKERS_READ, ({ params }) =>
    cfOk({ deployments: [...find(params.scriptName).deployments].reverse() }),
  );
  router.add('GET', `${base}/deployments/:deploymentId`, WORKERS_READ, ({ params }) => {
    const d = find(params.scriptName).deployments.find((x) => x.id === params.deploymentId);
    if (!d) throw new CfApiError(404, 10222, 'Deployment not found');
    return cfOk(d);
  });

  // --- Secrets -------------------------------------------------------------------------------------------------
  /** Deploys a copy of the latest version with `edit`ed bindings; only while that version serves alone. */
  const editSecrets = async (scriptName: string, edit: (bindings: Binding[]) => Binding[]) => {
    const script = find(scriptName);
    const serving = servingVersions(script);
    const latest = latestVersion(script);
    if (!latest || serving.length !== 1 || serving[0]?.version.id !== latest.id)
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
      if (!target) return;
      target.versions.push(version);
      target.deployments.push(deploymentRecord([{ version_id: version.id, percentage: 100 }], { source: 'secret' }));
      target.modified_on = nowIso();
    });
    await applyOrRollback(context, snapshot);
  };
  /** The serving version's secret of that name, or 404. */
  const secretOr404 = (scriptName: string, secretName: string) => {
    const v = servingVersions(find(scriptName))[0]?.version;
    if (!v?.bindings.some((b) => isSecret(b, secretName))) throw new CfApiError(404, 10056, 'Secret not found');
  };

  router.add('PUT', `${base}/secrets`, WORKERS_WRITE, async ({ params, request }) => {
    const body = await readJson(request);
    const { name, text, type } = isPlainObject(body) ? body : {};
    if (typeof name !== 'string' || !BINDING_NAME.test(name) || typeof text !== 'string')
      throw new CfApiError(400, 10021, 'A secret needs a valid `name` and a string `text`.');
    if ((type ?? 'secret_text') !== 'secret_text')
      throw new CfApiError(400, 10021, 'Only `secret_text` secrets are supported.');
    await editSecrets(params.scriptName, (bindings) => {
      const clash = bindings.find((b) => b.name === name && b.type !== 'secret_text');
      if (clash) throw new CfApiError(400, 10053, `Binding name '${name}' already in use by a ${clash.type} binding.`);
      return [...bindings.filter((b) => b.name !== name), { type: 'secret_text', name, text }];
    });
    return cfOk({ name, type: 'secret_text' });
  });
  router.add('GET', `${base}/secrets`, WORKERS_READ, ({ params }) => {
    const v = servingVersions(find(params.scriptName))[0]?.version;
    return cfOk((v?.bindings ?? []).filter((b) => isSecret(b)).map((b) => ({ name: b.name, type: 'secret_text' })));
  });
  router.add('GET', `${base}/secrets/:secretName`, WORKERS_READ, ({ params }) => {
    secretOr404(params.scriptName, params.secretName);
    return cfOk({ name: params.secretName, type: 'secret_text' });
  });
  router.add('DELETE', `${base}/secrets/:secretName`, WORKERS_WRITE, async ({ params }) => {
    secretOr404(params.scriptName, params.secretName);
    await editSecrets(params.scriptName, (bindings) => bindings.filter((b) => b.name !== params.secretName));
    return cfOk(null);
  });
}
