// workers.dev subdomains (account + per script) and custom domains.
import { CfApiError, cfOk } from '../http/cf-envelope.ts';
import { isPlainObject, readJson } from '../http/request-body.ts';
import { hex32 } from '../state/ids.ts';

const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** @param {import('../http/router.ts').Router} router @param {any} context */
export function registerWorkersRoutingRoutes(router, context) {
  const { store, endpoints } = context;
  const acct = '/client/v4/accounts/:accountId/workers';
  const W = { account: true, permission: 'workers_scripts:write' };
  const R = { account: true, permission: 'workers_scripts:read' };
  const noSubdomain = () =>
    new CfApiError(404, 10007, 'This account does not have a workers.dev subdomain. Register one first.');
  const script = (name) => {
    const s = store.data.scripts[name];
    if (!s) throw new CfApiError(404, 10007, `This Worker (${name}) does not exist on your account. [code: 10007]`);
    return s;
  };

  router.add('GET', `${acct}/subdomain`, R, () => {
    if (!store.data.workersSubdomain) throw noSubdomain();
    return cfOk({ subdomain: store.data.workersSubdomain });
  });
  router.add(
    'PUT',
    `${acct}/subdomain`,
    { account: true, permission: 'account_settings:write' },
    async ({ request }) => {
      const body = await readJson(request);
      if (!isPlainObject(body) || typeof body.subdomain !== 'string' || !SUBDOMAIN.test(body.subdomain))
        throw new CfApiError(400, 10031, 'Subdomain name is not valid or not available.');
      store.transact((s) => {
        s.workersSubdomain = body.subdomain;
      });
      return cfOk({ subdomain: body.subdomain });
    },
  );
  router.add('DELETE', `${acct}/subdomain`, { account: true, permission: 'account_settings:write' }, () => {
    store.transact((s) => {
      s.workersSubdomain = null;
    });
    return cfOk(null);
  });

  const sub = `${acct}/scripts/:scriptName/subdomain`;
  router.add('GET', sub, R, ({ params }) => cfOk(script(params.scriptName).subdomain));
  router.add('POST', sub, W, async ({ params, request }) => {
    script(params.scriptName);
    const body = await readJson(request);
    if (!isPlainObject(body) || typeof body.enabled !== 'boolean')
      throw new CfApiError(400, 10021, '`enabled` (boolean) is required.');
    if (body.enabled && !store.data.workersSubdomain) throw noSubdomain();
    const value = store.transact((s) => {
      s.scripts[params.scriptName].subdomain = {
        enabled: body.enabled,
        previews_enabled: body.previews_enabled ?? s.scripts[params.scriptName].subdomain.previews_enabled,
      };
      return s.scripts[params.scriptName].subdomain;
    });
    await endpoints.sync();
    return cfOk(value);
  });
  router.add('DELETE', sub, W, async ({ params }) => {
    script(params.scriptName);
    store.transact((s) => {
      s.scripts[params.scriptName].subdomain = { enabled: false, previews_enabled: false };
    });
    return cfOk(null);
  });

  // --- Custom domains -----------------------------------------------------------------------------------------
  const domainView = (d) => ({
    id: d.id,
    hostname: d.hostname,
    service: d.service,
    environment: d.environment,
    zone_id: d.zone_id,
    zone_name: d.zone_name,
    cert_id: d.cert_id,
  });
  router.add('PUT', `${acct}/domains`, { account: true, permission: 'workers_scripts:write' }, async ({ request }) => {
    const body = await readJson(request);
    if (!isPlainObject(body) || typeof body.hostname !== 'string' || typeof body.service !== 'string')
      throw new CfApiError(400, 10021, '`hostname` and `service` are required.');
    const hostname = body.hostname.toLowerCase();
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(hostname))
      throw new CfApiError(400, 100117, `Hostname "${body.hostname}" is not valid.`);
    script(body.service);
    const zone = store.data.zones.find((z) =>
      body.zone_id
        ? z.id === body.zone_id
        : body.zone_name
          ? z.name === body.zone_name
          : hostname === z.name || hostname.endsWith(`.${z.name}`),
    );
    if (!zone || !(hostname === zone.name || hostname.endsWith(`.${zone.name}`)))
      throw new CfApiError(400, 100116, `Hostname ${hostname} does not belong to a zone on this account.`);
    const domain = store.transact((s) => {
      const existing = s.domains.find((d) => d.hostname === hostname);
      if (existing && existing.service !== body.service && body.override_existing_origin !== true)
        throw new CfApiError(409, 100117, `Hostname ${hostname} is already attached to Worker ${existing.service}.`);
      const d = existing ?? { id: hex32(), hostname, cert_id: hex32() };
      Object.assign(d, {
        service: body.service,
        environment: body.environment ?? 'production',
        zone_id: zone.id,
        zone_name: zone.name,
      });
      if (!existing) s.domains.push(d);
      return d;
    });
    return cfOk(domainView(domain));
  });
  router.add('GET', `${acct}/domains`, { account: true, permission: 'workers_scripts:read' }, ({ url }) => {
    const q = Object.fromEntries(
      ['hostname', 'service', 'zone_id', 'zone_name', 'environment'].map((k) => [k, url.searchParams.get(k)]),
    );
    return cfOk(
      store.data.domains.filter((d) => Object.entries(q).every(([k, v]) => v === null || d[k] === v)).map(domainView),
    );
  });
  router.add(
    'GET',
    `${acct}/domains/:domainId`,
    { account: true, permission: 'workers_scripts:read' },
    ({ params }) => {
      const d = store.data.domains.find((x) => x.id === params.domainId);
      if (!d) throw new CfApiError(404, 100114, 'Domain not found');
      return cfOk(domainView(d));
    },
  );
  router.add(
    'DELETE',
    `${acct}/domains/:domainId`,
    { account: true, permission: 'workers_scripts:write' },
    ({ params }) => {
      store.transact((s) => {
        if (!s.domains.some((d) => d.id === params.domainId)) throw new CfApiError(404, 100114, 'Domain not found');
        s.domains = s.domains.filter((d) => d.id !== params.domainId);
      });
      return cfOk(null);
    },
  );
}
