// API token permissions. Stored canonically as `<group>:read` / `<group>:write` (write implies read);
// Cloudflare's display names ("Workers Scripts Write", "D1 Edit", "Realtime Admin", "Zone Read") are accepted.
import { CfApiError } from '../http/cf-envelope.ts';

/** Permission groups the local cloud knows, with Cloudflare's names. */
export const PERMISSION_GROUPS = [
  { key: 'account_settings', name: 'Account Settings' },
  { key: 'workers_scripts', name: 'Workers Scripts' },
  { key: 'workers_kv', name: 'Workers KV Storage' },
  { key: 'workers_r2', name: 'Workers R2 Storage' },
  { key: 'd1', name: 'D1' },
  { key: 'realtime', name: 'Realtime' },
  { key: 'zone', name: 'Zone' },
];

export const ALL_PERMISSIONS = PERMISSION_GROUPS.flatMap((g) => [`${g.key}:read`, `${g.key}:write`]);

/**
 * Canonical `<group>:read|write` of e.g. "d1:write", "D1 Edit", "Workers Scripts Read", "Realtime Admin", "Zone Read".
 */
export function canonicalPermission(raw: unknown): string {
  if (typeof raw !== 'string') throw new CfApiError(400, 1001, 'Permissions must be strings.');
  const text = raw.trim();
  const colon = /^([a-z_0-9]+):(read|write)$/.exec(text);
  if (colon && PERMISSION_GROUPS.some((g) => g.key === colon[1])) return text;
  const lower = text.toLowerCase();
  if (lower === 'realtime admin') return 'realtime:write';
  if (lower === 'realtime') return 'realtime:read';
  for (const group of PERMISSION_GROUPS) {
    const name = group.name.toLowerCase();
    if (lower === `${name} read`) return `${group.key}:read`;
    if (lower === `${name} write` || lower === `${name} edit`) return `${group.key}:write`;
  }
  throw new CfApiError(400, 1001, `Unknown permission "${raw}". Known: ${ALL_PERMISSIONS.join(', ')}`);
}

/** Whether `granted` (canonical) includes `needed` (canonical), write implying read. */
export function hasPermission(granted: string[], needed: string): boolean {
  if (granted.includes(needed)) return true;
  const [group, level] = needed.split(':');
  return level === 'read' && granted.includes(`${group}:write`);
}

/** Human labels for a token listing (policies-ish). */
export const permissionLabel = (canonical: string): string => {
  const [key, level] = canonical.split(':');
  const group = PERMISSION_GROUPS.find((g) => g.key === key);
  if (key === 'realtime') return level === 'write' ? 'Realtime Admin' : 'Realtime';
  return `${group?.name ?? key} ${level === 'write' ? 'Write' : 'Read'}`;
};
