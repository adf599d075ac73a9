import { type RtkClient, RtkError } from '@castio/shared/rtk';
import { rtkClientFromEnv } from './from-env';
import type { Env } from '../env';
import { ApiError } from '../http/errors';

/** The deployment's RealtimeKit client; a 503 with a next step when the app is not configured yet. */
export function realtimeKit(env: Env): RtkClient {
  const client = rtkClientFromEnv(env);
  if (!client)
    throw new ApiError(
      'rtk_not_configured',
      'Meetings need RealtimeKit, which is not configured on this deployment yet. Ask an administrator to set ACCOUNT_ID, RTK_APP_ID and RTK_API_TOKEN.',
    );
  return client;
}

/**
 * Runs one RealtimeKit call for a route and turns its failure into what the caller should see: RTK being down
 * or slow is a 502 they can retry (with RTK's Retry-After when it sent one), never a 500 or an RTK message.
 */
export async function callRealtimeKit<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw rtkFailure(what, error);
  }
}

export function rtkFailure(what: string, error: unknown): unknown {
  if (!(error instanceof RtkError)) return error;
  const retryAfter = error.retryAfterSeconds ?? (error.retryable ? 5 : undefined);
  return new ApiError(
    'rtk_unavailable',
    error.retryable
      ? `RealtimeKit could not ${what} just now; please try again in a moment.`
      : // Not transient (a bad token, a refused request): RTK's own reason says what to fix; it never holds secrets.
        `RealtimeKit could not ${what}: ${error.message}`,
    { rtkStatus: error.status, rtkCode: error.code },
    retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
  );
}
