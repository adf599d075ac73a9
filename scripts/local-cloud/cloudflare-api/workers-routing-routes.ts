// workers.dev subdomains (account + per script) and custom domains.
import { CfApiError, cfOk } from '../http/cf-envelope.ts';
import { isPlainObject, readJson } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';
import { hex32 } from '../state/ids.ts';
import type { CustomDomain } from '../state/state.ts';
import type { StateStore } from '../state/store.ts';
import type { WorkersDevEndpoints } from '../workers-runtime/workers-dev-endpoints.ts';
import { scriptOr404, WORKERS_READ, WORKERS_WRITE } from './workers-lookup.ts';

const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN_FILTERS = ['hostname', 'service', 'zone_id', 'zone_name', 'environment'] as const;

const domainView = (d: CustomDomain) => ({
  id: d.id,
  hostname: d.hostname,
  service: d.service,
  environment: d.environment,
  zone_id: d.zone_id,
  zone_name: d.zone_name,
  cert_id: d.cert_id,
});

export function registerWorkersRoutingRoutes(
  router: Router,
  { store, endpoints }: { store: StateStore; endpoints: WorkersDevEndpoints },
): void {
  const acct = '/client/v4/accounts/:accountId/workers';
  const noSubdomain = () =>
    new CfApiError(404, 10007, 'This account does not have a workers.dev subdomain. Register one first.');
  const script = (name: string) => scriptOr404(store, name);

  router.add('GET', `${acct}/subdomain`, WORKERS_READ, () => {
    if (!store.data.workersSubdomain) throw noSubdomain();
    return cfOk({ subdomain: store.data.workersSubdomain });
  });
  router.add(
    'PUT',
    `${acct}/subdomain`,
    { account: true, permission: 'account_settings:write' },
    async ({ request }) => {
      const body = await readJson(request);
      const subdomain = isPlainObject(body) ? body.subdomain : undefined;
      if (typeof subdomain !== 'string' || !SUBDOMAIN.test(subdomain))
        throw new CfApiError(400, 10031, 'Subdomain name is not valid or not available.');
      store.transact((s) => {
        s.workersSubdomain = subdomain;
      });
      return cfOk({ subdomain });
    },
  );
  router.add('DELETE', `${acct}/subdomain`, { account: true, permission: 'account_settings:write' }, () => {
    store.transact((s) => {
      s.workersSubdomain = null;
    });
    return cfOk(null);
  });

  const sub = `${acct}/scripts/:scriptName/subdomain`;
  router.add('GET', sub, WORKERS_READ, ({ params }) => cfOk(script(params.scriptName).subdomain));
  router.add('POST', sub, WORKERS_WRITE, async ({ params, request }) => {
    const { subdomain } = script(params.scriptName);
    const body = await readJson(request);
    const enabled = isPlainObject(body) ? body.enabled : undefined;
    if (!isPlainObject(body) || typeof enabled !== 'boolean')
      throw new CfApiError(400, 10021, '`enabled` (boolean) is required.');
    if (enabled && !store.data.workersSubdomain) throw noSubdomain();
    const previews = body.previews_enabled;
    const value = { enabled, previews_enabled: typeof previews === 'boolean' ? previews : subdomain.previews_enabled };
    store.transact((s) => {
      const target = s.scripts[params.scriptName];
      if (target) target.subdomain = value;
    });
    await endpoints.sync();
    return cfOk(value);
  });
  router.add('DELETE', sub, WORKERS_WRITE, async ({ params }) => {
    script(params.scriptName);
    store.transact((s) => {
      const target = s.scripts[params.scriptName];
      if (target) target.subdomain = { enabled: false, previews_enabled: false };
    });
    return cfOk(null);
  });

  // --- Custom domains -----------------------------------------------------------------------------------------
  router.add('PUT', `${acct}/domains`, WORKERS_WRITE, async ({ request }) => {
    const body = await readJson(request);
    const { hostname: given, service } = isPlainObject(body) ? body : {};
    if (!isPlainObject(body) || typeof given !== 'string' || typeof service !== 'string')
      throw new CfApiError(400, 10021, '`hostname` and `service` are required.');
    const hostname = given.toLowerCase();
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(hostname))
      throw new CfApiError(400, 100117, `Hostname "${given}" is not valid.`);
    script(service);
    const zone = store.data.zones.find((z) =>
      body.zone_id
        ? z.id === body.zone_id
        : body.zone_name
          ? z.name === body.zone_name
          : hostname === z.name || hostname.endsWith(`.${z.name}`),
    );
    if (!zone || !(hostname === zone.name || hostname.endsWith(`.${zone.name}`)))
      throw new CfApiError(400, 100116, `Hostname ${hostname} does not belong to a zone on this account.`);
    const attachment = {
      service,
      environment: typeof body.environment === 'string' ? body.environment : 'production',
      zone_id: zone.id,
      zone_name: zone.name,
    };
    const domain = store.transact((s) => {
      const existing = s.domains.find((d) => d.hostname === hostname);
      if (existing && existing.service !== service && body.override_existing_origin !== true)
        throw new CfApiError(409, 100117, `Hostname ${hostname} is already attached to Worker ${existing.service}.`);
      if (existing) return Object.assign(existing, attachment);
      const created = { id: hex32(), hostname, cert_id: hex32(), ...attachment };
      s.domains.push(created);
      return created;
    });
    return cfOk(domainView(domain));
  });
  router.add('GET', `${acct}/domains`, WORKERS_READ, ({ url }) => {
    const matches = (d: CustomDomain) =>
      DOMAIN_FILTERS.every((field) => [null, d[field]].includes(url.searchParams.get(field)));
    return cfOk(store.data.domains.filter(matches).map(domainView));
  });
  router.add('GET', `${acct}/domains/:domainId`, WORKERS_READ, ({ params }) => {
    const d = store.data.domains.find((x) => x.id === params.domainId);
    if (!d) throw new CfApiError(404, 100114, 'Domain not found');
    return cfOk(domainView(d));
  });
  router.add('DELETE', `${acct}/domains/:domainId`, WORKERS_WRITE, ({ params }) => {
    store.transact((s) => {
      if (!s.domains.some((d) => d.id === params.domainId)) throw new CfApiError(404, 100114, 'Domain not found');
      s.domains = s.domains.filter((d) => d.id !== params.domainId);
    });
    return cfOk(null);
  });
}
