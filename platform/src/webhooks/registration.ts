import { ensureWebhook, type WebhookRegistration } from '@castio/shared/rtk';
import type { Env } from '../env';
import { rtkClientFromEnv } from '../realtimekit/from-env';

const CACHE_KEY = 'cache:rtk:webhook-registration';
const CACHE_TTL_SECONDS = 3600;

export type RegistrationOutcome = 'skipped' | 'cached' | WebhookRegistration;

/** This deployment's receiver URL, from its public base URL. */
export const receiverUrl = (env: Env) =>
  env.APP_BASE_URL ? `${env.APP_BASE_URL.replace(/\/+$/, '')}/webhooks/rtk` : null;

/**
 * Spec §9.1: RTK must know where to send the nine events (`ensureWebhook`), checked at most hourly; skipped
 * while the deployment has no public URL or no RTK credentials.
 */
export async function ensureWebhookRegistered(
  env: Env,
  options: { force?: boolean } = {},
): Promise<RegistrationOutcome> {
  const url = receiverUrl(env);
  const rtk = rtkClientFromEnv(env);
  if (!url || !rtk) return 'skipped';
  if (!options.force && (await env.KV_CACHE.get(CACHE_KEY)) === url) return 'cached';
  const outcome = await ensureWebhook(rtk, url);
  await env.KV_CACHE.put(CACHE_KEY, url, { expirationTtl: CACHE_TTL_SECONDS });
  return outcome;
}
