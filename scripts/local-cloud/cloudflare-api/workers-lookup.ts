// Finding Worker scripts with Cloudflare's 404, and the Workers Scripts permissions of their routes.
import { CfApiError } from '../http/cf-envelope.ts';
import type { RouteMeta } from '../http/router.ts';
import type { StateStore } from '../state/store.ts';
import type { ScriptRecord } from '../state/workers-records.ts';

export const WORKERS_READ: RouteMeta = { account: true, permission: 'workers_scripts:read' };
export const WORKERS_WRITE: RouteMeta = { account: true, permission: 'workers_scripts:write' };

export const scriptNotFound = (name: string) =>
  new CfApiError(404, 10007, `This Worker (${name}) does not exist on your account. [code: 10007]`);

export function scriptOr404(store: StateStore, name: string): ScriptRecord {
  const script = store.data.scripts[name];
  if (!script) throw scriptNotFound(name);
  return script;
}
