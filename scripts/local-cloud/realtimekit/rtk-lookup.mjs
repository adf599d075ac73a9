// Finding RTK objects by id within an app, with RTK-style 404s.
import { RtkApiError } from './rtk-envelope.ts';

export const RTK_BASE = '/client/v4/accounts/:accountId/realtime/kit';

/** GET needs Realtime (read), anything else Realtime Admin (write). */
export const rtkPermission = (request) => (request.method === 'GET' ? 'realtime:read' : 'realtime:write');
export const RTK_META = { account: true, permission: rtkPermission, rtk: true };

export function appOr404(store, appId) {
  const app = store.data.rtk.apps.find((a) => a.id === appId);
  if (!app) throw new RtkApiError(404, `App ${appId} not found`);
  return app;
}

export function meetingOr404(store, appId, meetingId) {
  appOr404(store, appId);
  const meeting = store.data.rtk.meetings.find((m) => m.id === meetingId && m.app_id === appId);
  if (!meeting) throw new RtkApiError(404, `Meeting ${meetingId} not found`);
  return meeting;
}

export function sessionOr404(store, appId, sessionId) {
  appOr404(store, appId);
  const session = store.data.rtk.sessions.find((s) => s.id === sessionId && s.app_id === appId);
  if (!session) throw new RtkApiError(404, `Session ${sessionId} not found`);
  return session;
}

export const timeFilter = (value, name) => {
  if (value === null || value === '') return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new RtkApiError(400, `${name} must be an ISO date-time`);
  return t;
};
