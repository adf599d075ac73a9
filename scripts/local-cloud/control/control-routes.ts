// Control API under /__local (dev/test only, no auth): tokens with chosen permissions, faults, worker URLs,
// crons, zones, mail sink, webhook delivery log, session player. Documented in ../README.md.
import { CfApiError, json } from '../http/cf-envelope.ts';
import { canonicalPermission, permissionLabel } from '../cloudflare-api/permissions.ts';
import type { FaultPlan, FaultRule } from '../faults/fault-plan.ts';
import { isOneOf, isPlainObject, type JsonObject, readJson } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';
import { apiTokenValue, hex32, nowIso } from '../state/ids.ts';
import type { ApiToken, TokenStatus } from '../state/state.ts';
import type { StateStore } from '../state/store.ts';

const STATUSES: TokenStatus[] = ['active', 'disabled', 'expired'];

const tokenView = (t: ApiToken) => ({
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

/** `permissions` of a mint or patch: names Cloudflare's way or canonical, stored canonical. */
function permissionsOf(input: JsonObject): string[] {
  if (!Array.isArray(input.permissions))
    throw new CfApiError(400, 1001, '`permissions` must be an array (e.g. ["D1 Write", "workers_scripts:write"]).');
  return [...new Set(input.permissions.map(canonicalPermission))];
}

/** A fault plan (or set) body: `{ seed?, rules }`; the rules are checked by the plan. */
function faultConfig(input: unknown, { rulesRequired }: { rulesRequired: boolean }) {
  const rules = isPlainObject(input) ? (input.rules ?? (rulesRequired ? undefined : [])) : undefined;
  if (!isPlainObject(input) || !Array.isArray(rules))
    throw new CfApiError(400, 1001, 'Body must be { seed?, rules: [...] }.');
  return { seed: typeof input.seed === 'number' ? input.seed : 1, rules: rules as FaultRule[] };
}

export interface ControlDeps {
  store: StateStore;
  faults: FaultPlan;
  /** What `GET /__local` shows. */
  info: () => object;
  credentials: () => object;
}

export function registerControlRoutes(router: Router, deps: ControlDeps): void {
  const { store, faults } = deps;
  const body = async (request: Request): Promise<JsonObject> => {
    const input = await readJson(request, { optional: true });
    if (!isPlainObject(input)) throw new CfApiError(400, 1001, 'Body must be a JSON object.');
    return input;
  };

  router.add('GET', '/__local', {}, () => json(200, deps.info()));
  router.add('GET', '/__local/credentials', {}, () => json(200, deps.credentials()));

  // --- Tokens ----------------------------------------------------------------------------------------------
  router.add('GET', '/__local/tokens', {}, () => json(200, { tokens: store.data.tokens.map(tokenView) }));
  router.add('POST', '/__local/tokens', {}, async ({ request }) => {
    const input = await body(request);
    const permissions = permissionsOf(input);
    const kind = input.kind ?? 'user';
    if (!isOneOf(['user', 'account'], kind)) throw new CfApiError(400, 1001, '`kind` must be "user" or "account".');
    const status = input.status ?? 'active';
    if (!isOneOf(STATUSES, status)) throw new CfApiError(400, 1001, '`status` must be active, disabled or expired.');
    const { expires_on, not_before } = input;
    for (const [key, value] of Object.entries({ expires_on, not_before }))
      if (value !== undefined && (typeof value !== 'string' || Number.isNaN(Date.parse(value))))
        throw new CfApiError(400, 1001, `\`${key}\` must be a date-time.`);
    const token = store.transact((s) => {
      const created: ApiToken = {
        id: hex32(),
        value: apiTokenValue(),
        name: typeof input.name === 'string' ? input.name : 'Minted token',
        kind,
        status,
        permissions,
        account_id: s.account.id,
        created_on: nowIso(),
        ...(expires_on ? { expires_on: expires_on as string } : {}),
        ...(not_before ? { not_before: not_before as string } : {}),
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
        if (!isOneOf(STATUSES, input.status)) throw new CfApiError(400, 1001, 'bad status');
        t.status = input.status;
      }
      if (input.permissions !== undefined) t.permissions = permissionsOf(input);
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
    faults.configure(faultConfig(await readJson(request, { optional: true }), { rulesRequired: false }));
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
    faults.configureSet(params.name, faultConfig(await readJson(request, { optional: true }), { rulesRequired: true }));
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
    const { name } = input;
    const zone = store.transact((s) => {
      if (s.zones.some((z) => z.name === name)) throw new CfApiError(400, 1061, 'Zone already exists');
      const z = {
        id: hex32(),
        name,
        status: typeof input.status === 'string' ? input.status : 'active',
        created_on: nowIso(),
      };
      s.zones.push(z);
      return z;
    });
    return json(201, zone);
  });
  router.add('PUT', '/__local/workers-subdomain', {}, async ({ request }) => {
    const { subdomain } = await body(request);
    if (
      subdomain !== null &&
      (typeof subdomain !== 'string' || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(subdomain))
    )
      throw new CfApiError(400, 1001, '`subdomain` must be a valid name or null.');
    store.transact((s) => {
      s.workersSubdomain = subdomain;
    });
    return json(200, { subdomain: store.data.workersSubdomain });
  });
}
