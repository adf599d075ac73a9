// The state of a brand-new local cloud: one account, one full-permission user token, one zone.
import { ALL_PERMISSIONS } from '../cloudflare-api/permissions.ts';
import { apiTokenValue, hex32, nowIso } from './ids.ts';
import type { State } from './state.ts';

export const STATE_VERSION = 1;

export function initialState(): State {
  const accountId = hex32();
  const created = nowIso();
  return {
    version: STATE_VERSION,
    account: { id: accountId, name: 'Local Cloud Account', created_on: created },
    tokens: [
      {
        id: hex32(),
        value: apiTokenValue(),
        name: 'Local cloud full access',
        kind: 'user',
        status: 'active',
        permissions: [...ALL_PERMISSIONS],
        account_id: accountId,
        created_on: created,
        primary: true,
      },
    ],
    zones: [{ id: hex32(), name: 'castio.test', status: 'active', created_on: created }],
    d1: [],
    kv: [],
    r2: [],
    workersSubdomain: 'castio-local',
    scripts: {},
    domains: [],
    assetUploads: {},
    rtk: {
      apps: [],
      presets: [],
      meetings: [],
      participants: [],
      sessions: [],
      recordings: [],
      livestreams: [],
      webhooks: [],
    },
  };
}
