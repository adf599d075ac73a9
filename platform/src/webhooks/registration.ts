import type { Env } from '../env';
import { createWebhook, listWebhooks, rtkConfigured, updateWebhook } from '../post-meeting/rtk-api';
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
  if (!url || !rtkConfigured(env)) return 'skipped';
  if (!options.force && (await env.KV_CACHE.get(CACHE_KEY)) === url) return 'cached';
  const existing = (await listWebhooks(env)).find((webhook) => webhook.url === url);
  let outcome: RegistrationOutcome = 'ok';
  if (!existing) {
    await createWebhook(env, { name: 'Castio', url, events: RTK_EVENT_TYPES });
    outcome = 'created';
  } else if (!existing.enabled || RTK_EVENT_TYPES.some((event) => !existing.events.includes(event))) {
    const events = [...new Set([...existing.events, ...RTK_EVENT_TYPES])];
    await updateWebhook(env, existing.id, { events, enabled: true });
    outcome = 'updated';
  }
  await env.KV_CACHE.put(CACHE_KEY, url, { expirationTtl: CACHE_TTL_SECONDS });
  return outcome;
}
