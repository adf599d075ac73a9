// Control routes for Workers: where a script answers, firing crons, custom-domain URLs, and the
// /__workers/{script}/… redirect (the workers.dev URL template).
import { json } from '../http/cf-envelope.ts';
import { isPlainObject, readJson } from '../http/request-body.ts';
import type { RouteContext, Router } from '../http/router.ts';
import type { StateStore } from '../state/store.ts';
import type { ScriptRecord } from '../state/workers-records.ts';
import { servingVersions, type WorkersRuntime } from '../workers-runtime/runtime.ts';
import type { WorkersDevEndpoints } from '../workers-runtime/workers-dev-endpoints.ts';

export interface WorkersControlDeps {
  store: StateStore;
  runtime: WorkersRuntime;
  endpoints: WorkersDevEndpoints;
  /** The local cloud's own URL (known once it listens). */
  mainUrl: () => string;
}

export function registerWorkersControlRoutes(
  router: Router,
  { store, runtime, endpoints, mainUrl }: WorkersControlDeps,
): void {
  const describe = (s: ScriptRecord) => ({
    script: s.name,
    url: endpoints.url(s.name),
    workersDevEnabled: s.subdomain.enabled,
    deployed: servingVersions(s).map((v) => ({ version_id: v.version.id, percentage: v.percentage })),
    schedules: s.schedules.map((x) => x.cron),
    domains: store.data.domains.filter((d) => d.service === s.name).map((d) => d.hostname),
  });
  const missing = (name: string) => json(404, { error: `No Worker named ${name}` });

  router.add('GET', '/__local/workers', {}, () =>
    json(200, { workers: Object.values(store.data.scripts).map(describe) }),
  );
  router.add('GET', '/__local/workers/:script', {}, ({ params }) => {
    const s = store.data.scripts[params.script];
    return s ? json(200, describe(s)) : missing(params.script);
  });
  router.add('POST', '/__local/workers/:script/scheduled', {}, async ({ params, request }) => {
    const s = store.data.scripts[params.script];
    if (!s) return missing(params.script);
    const body = await readJson(request, { optional: true });
    const { cron: given, scheduledTime } = isPlainObject(body) ? body : {};
    const cron = typeof given === 'string' ? given : (s.schedules[0]?.cron ?? '* * * * *');
    const at =
      typeof scheduledTime === 'string' || typeof scheduledTime === 'number' ? new Date(scheduledTime) : new Date();
    const result = await runtime.scheduled(s.name, cron, at);
    return json(200, { cron, ...result });
  });
  router.add('GET', '/__local/domains/:hostname', {}, ({ params }) => {
    const d = store.data.domains.find((x) => x.hostname === params.hostname.toLowerCase());
    if (!d) return json(404, { error: `No custom domain ${params.hostname}` });
    return json(200, { hostname: d.hostname, service: d.service, url: mainUrl(), hostHeader: d.hostname });
  });
  const redirect = ({ params, url }: RouteContext<{ script: string; rest?: string }>) => {
    const target = endpoints.url(params.script);
    if (!target) return missing(params.script);
    return new Response(null, { status: 307, headers: { location: `${target}/${params.rest ?? ''}${url.search}` } });
  };
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    router.add(method, '/__workers/:script', {}, redirect);
    router.add(method, '/__workers/:script/*rest', {}, redirect);
  }
}
