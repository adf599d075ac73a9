import type { Env } from '../env';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import { RTK_EVENT_TYPES } from './payload';

const CACHE_KEY = 'cache:rtk:webhook-registration';
const CACHE_TTL_SECONDS = 3600;

export type RegistrationOutcome = 'skipped' | 'cached' | 'ok' | 'created' | 'updated';

/** This deployment's receiver URL, from its public base URL. */
export const receiverUrl = (env: Env) =>
  env.APP_BASE_URL ? `${env.APP_BASE_URL.replace(/\/+$/, '')}/webhooks/rtk` : null;

/**
 * Seed §9.1: RTK must know where to send the nine events. Idempotent: finds our URL among the app's webhooks,
 * creates it if missing, re-enables it or adds missing events if someone changed it; checked at most hourly.
 */
export async function ensureWebhookRegistered(
  env: Env,
  options: { force?: boolean } = {},
): Promise<RegistrationOutcome> {
  const url = receiverUrl(env);
  const rtk = rtkClientFromEnv(env);
  if (!url || !rtk) return 'skipped';
  if (!options.force && (await env.KV_CACHE.get(CACHE_KEY)) === url) return 'cached';
  const existing = (await rtk.webhooks.list()).find((webhook) => webhook.url === url);
  let outcome: RegistrationOutcome = 'ok';
  if (!existing) {
    await rtk.webhooks.create({ name: 'Castio', url, events: RTK_EVENT_TYPES, enabled: true });
    outcome = 'created';
  } else if (existing.enabled === false || RTK_EVENT_TYPES.some((event) => !existing.events.includes(event))) {
    const events = [...new Set([...existing.events, ...RTK_EVENT_TYPES])];
    await rtk.webhooks.update(existing.id, { events, enabled: true });
    outcome = 'updated';
  }
  await env.KV_CACHE.put(CACHE_KEY, url, { expirationTtl: CACHE_TTL_SECONDS });
  return outcome;
}
