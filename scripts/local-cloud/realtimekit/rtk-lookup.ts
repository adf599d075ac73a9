// Finding RTK objects by id within an app, with RTK-style 404s.
import type { RouteMeta } from '../http/router.ts';
import type { Meeting, RtkApp, Session } from '../state/rtk-records.ts';
import type { StateStore } from '../state/store.ts';
import { RtkApiError } from './rtk-envelope.ts';

export const RTK_BASE = '/client/v4/accounts/:accountId/realtime/kit';

/** GET needs Realtime (read), anything else Realtime Admin (write). */
export const rtkPermission = (request: Request) => (request.method === 'GET' ? 'realtime:read' : 'realtime:write');
export const RTK_META: RouteMeta = { account: true, permission: rtkPermission };

export function appOr404(store: StateStore, appId: string): RtkApp {
  const app = store.data.rtk.apps.find((a) => a.id === appId);
  if (!app) throw new RtkApiError(404, `App ${appId} not found`);
  return app;
}

export function meetingOr404(store: StateStore, appId: string, meetingId: string): Meeting {
  appOr404(store, appId);
  const meeting = store.data.rtk.meetings.find((m) => m.id === meetingId && m.app_id === appId);
  if (!meeting) throw new RtkApiError(404, `Meeting ${meetingId} not found`);
  return meeting;
}

export function sessionOr404(store: StateStore, appId: string, sessionId: string): Session {
  appOr404(store, appId);
  const session = store.data.rtk.sessions.find((s) => s.id === sessionId && s.app_id === appId);
  if (!session) throw new RtkApiError(404, `Session ${sessionId} not found`);
  return session;
}

/** A `start_time`/`end_time` filter: epoch milliseconds, or null when not given. */
export const timeFilter = (value: string | null, name: string): number | null => {
  if (value === null || value === '') return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new RtkApiError(400, `${name} must be an ISO date-time`);
  return t;
};
