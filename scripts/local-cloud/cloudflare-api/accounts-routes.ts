// Accounts and zones.
import { CfApiError, cfOk, cfPage } from '../http/cf-envelope.ts';
import type { Router } from '../http/router.ts';
import type { Account, Zone } from '../state/state.ts';
import type { StateStore } from '../state/store.ts';

export const accountView = (account: Account) => ({
  id: account.id,
  name: account.name,
  type: 'standard',
  created_on: account.created_on,
  settings: { enforce_twofactor: false, api_access_enabled: null, abuse_contact_email: null },
});

export const zoneView = (zone: Zone, account: Account) => ({
  id: zone.id,
  name: zone.name,
  status: zone.status,
  paused: false,
  type: 'full',
  development_mode: 0,
  name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
  original_name_servers: null,
  original_registrar: null,
  original_dnshost: null,
  created_on: zone.created_on,
  modified_on: zone.created_on,
  activated_on: zone.created_on,
  account: { id: account.id, name: account.name },
  owner: { id: null, type: 'user', email: null },
  permissions: ['#zone:read'],
  plan: {
    id: '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
    name: 'Free Website',
    price: 0,
    currency: 'USD',
    frequency: '',
    is_subscribed: false,
    can_subscribe: false,
    legacy_id: 'free',
    legacy_discount: false,
    externally_managed: false,
  },
  meta: { step: 2, custom_certificate_quota: 0, page_rule_quota: 3, phishing_detected: false },
});

export function registerAccountRoutes(router: Router, { store }: { store: StateStore }): void {
  router.add('GET', '/client/v4/accounts', {}, ({ auth, url }) => {
    if (auth?.kind === 'account')
      throw new CfApiError(400, 1001, 'List accounts endpoint does not support account owned tokens.');
    const name = url.searchParams.get('name');
    const accounts = [store.data.account].filter((a) => !name || a.name.toLowerCase().includes(name.toLowerCase()));
    return cfPage(url, accounts.map(accountView));
  });
  router.add('GET', '/client/v4/accounts/:accountId', { account: true }, () => cfOk(accountView(store.data.account)));

  router.add('GET', '/client/v4/zones', { permission: 'zone:read' }, ({ url }) => {
    const accountId = url.searchParams.get('account.id');
    const name = url.searchParams.get('name');
    const status = url.searchParams.get('status');
    const zones = store.data.zones
      .filter(() => !accountId || accountId === store.data.account.id)
      .filter((z) => (!name || z.name === name) && (!status || z.status === status));
    return cfPage(
      url,
      zones.map((z) => zoneView(z, store.data.account)),
      { defaultPerPage: 20, maxPerPage: 50 },
    );
  });
  router.add('GET', '/client/v4/zones/:zoneId', { permission: 'zone:read' }, ({ params }) => {
    const zone = store.data.zones.find((z) => z.id === params.zoneId);
    if (!zone) throw new CfApiError(404, 1001, 'Invalid zone identifier');
    return cfOk(zoneView(zone, store.data.account));
  });
}
