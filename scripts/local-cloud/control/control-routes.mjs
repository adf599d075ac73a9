// Control API under /__local (dev/test only, no auth): tokens with chosen permissions, faults, worker URLs,
// crons, zones, mail sink, webhook delivery log, session player. Documented in ../README.md.
import { CfApiError, json } from '../http/cf-envelope.ts';
import { isPlainObject, readJson } from '../http/request-body.ts';
import { canonicalPermission, permissionLabel } from '../cloudflare-api/permissions.ts';
import { apiTokenValue, hex32, nowIso } from '../state/ids.ts';

const tokenView = (t) => ({
  id: t.id,
  name: t.name,
  kind: t.kind,
  status: t.status,
  permissions: t.permissions,
  policies: t.permissions.map(permissionLabel),
  expires_on: t.expires_on ?? null,
  not_before: t.not_before ?? null,
  created_on: t.created_on,
});

/**
 * @param {import('../http/router.ts').Router} router
 * @param {any} deps { store, faults, info: () => object }
 */
export function registerControlRoutes(router, deps) {
  const { store, faults } = deps;
  const body = (request) => readJson(request, { optional: true });

  router.add('GET', '/__local', {}, () => json(200, deps.info()));
  router.add('GET', '/__local/credentials', {}, () => json(200, deps.credentials()));

  // --- Tokens ----------------------------------------------------------------------------------------------
  router.add('GET', '/__local/tokens', {}, () => json(200, { tokens: store.data.tokens.map(tokenView) }));
  router.add('POST', '/__local/tokens', {}, async ({ request }) => {
    const input = await body(request);
    if (!isPlainObject(input)) throw new CfApiError(400, 1001, 'Body must be a JSON object.');
    if (!Array.isArray(input.permissions))
      throw new CfApiError(400, 1001, '`permissions` must be an array (e.g. ["D1 Write", "workers_scripts:write"]).');
    const permissions = [...new Set(input.permissions.map(canonicalPermission))];
    const kind = input.kind ?? 'user';
    if (!['user', 'account'].includes(kind)) throw new CfApiError(400, 1001, '`kind` must be "user" or "account".');
    const status = input.status ?? 'active';
    if (!['active', 'disabled', 'expired'].includes(status))
      throw new CfApiError(400, 1001, '`status` must be active, disabled or expired.');
    for (const key of ['expires_on', 'not_before'])
      if (input[key] !== undefined && Number.isNaN(Date.parse(input[key])))
        throw new CfApiError(400, 1001, `\`${key}\` must be a date-time.`);
    const token = store.transact((s) => {
      const created = {
        id: hex32(),
        value: apiTokenValue(),
        name: typeof input.name === 'string' ? input.name : 'Minted token',
        kind,
        status,
        permissions,
        account_id: s.account.id,
        created_on: nowIso(),
        ...(input.expires_on ? { expires_on: input.expires_on } : {}),
        ...(input.not_before ? { not_before: input.not_before } : {}),
      };
      s.tokens.push(created);
      return created;
    });
    return json(201, { ...tokenView(token), value: token.value });
  });
  router.add('PATCH', '/__local/tokens/:id', {}, async ({ params, request }) => {
    const input = await body(request);
    const token = store.transact((s) => {
      const t = s.tokens.find((x) => x.id === params.id);
      if (!t) throw new CfApiError(404, 1003, 'Token not found');
      if (input.status !== undefined) {
        if (!['active', 'disabled', 'expired'].includes(input.status)) throw new CfApiError(400, 1001, 'bad status');
        t.status = input.status;
      }
      if (input.permissions !== undefined) t.permissions = [...new Set(input.permissions.map(canonicalPermission))];
      return t;
    });
    return json(200, tokenView(token));
  });
  router.add('DELETE', '/__local/tokens/:id', {}, ({ params }) => {
    store.transact((s) => {
      const t = s.tokens.find((x) => x.id === params.id);
      if (!t) throw new CfApiError(404, 1003, 'Token not found');
      if (t.primary) throw new CfApiError(400, 1001, 'The primary token cannot be deleted.');
      s.tokens = s.tokens.filter((x) => x.id !== params.id);
    });
    return json(200, { deleted: params.id });
  });

  // --- Faults ----------------------------------------------------------------------------------------------
  router.add('GET', '/__local/faults', {}, () => json(200, { ...faults.describe(), log: faults.log.slice(-100) }));
  router.add('PUT', '/__local/faults', {}, async ({ request }) => {
    const input = await body(request);
    if (!isPlainObject(input)) throw new CfApiError(400, 1001, 'Body must be { seed?, rules: [...] }.');
    if (input.rules !== undefined && !Array.isArray(input.rules))
      throw new CfApiError(400, 1001, '`rules` must be an array.');
    faults.configure({ seed: input.seed ?? 1, rules: input.rules ?? [] });
    faults.log = [];
    return json(200, faults.describe());
  });
  router.add('DELETE', '/__local/faults', {}, () => {
    faults.configure({ seed: 1, rules: [] });
    faults.log = [];
    return json(200, faults.describe());
  });
  // Named sets: one per test file (or person), changed without touching the main plan or the other sets.
  router.add('PUT', '/__local/faults/sets/:name', {}, async ({ params, request }) => {
    const input = await body(request);
    if (!isPlainObject(input) || !Array.isArray(input.rules))
      throw new CfApiError(400, 1001, 'Body must be { seed?, rules: [...] }.');
    faults.configureSet(params.name, { seed: input.seed ?? 1, rules: input.rules });
    return json(200, faults.describe());
  });
  router.add('DELETE', '/__local/faults/sets/:name', {}, ({ params }) => {
    faults.configureSet(params.name, { rules: [] });
    return json(200, faults.describe());
  });

  // --- Zones -----------------------------------------------------------------------------------------------
  router.add('POST', '/__local/zones', {}, async ({ request }) => {
    const input = await body(request);
    if (typeof input.name !== 'string' || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(input.name))
      throw new CfApiError(400, 1001, '`name` must be a domain name.');
    const zone = store.transact((s) => {
      if (s.zones.some((z) => z.name === input.name)) throw new CfApiError(400, 1061, 'Zone already exists');
      const z = { id: hex32(), name: input.name, status: input.status ?? 'active', created_on: nowIso() };
      s.zones.push(z);
      return z;
    });
    return json(201, zone);
  });
  router.add('PUT', '/__local/workers-subdomain', {}, async ({ request }) => {
    const input = await body(request);
    if (
      input.subdomain !== null &&
      (typeof input.subdomain !== 'string' || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(input.subdomain))
    )
      throw new CfApiError(400, 1001, '`subdomain` must be a valid name or null.');
    store.transact((s) => {
      s.workersSubdomain = input.subdomain;
    });
    return json(200, { subdomain: store.data.workersSubdomain });
  });
}
