import type { RtkClient } from './client';
import { RTK_EVENT_TYPES } from './webhook-events';

/** `ok`: already registered as wanted; `created`/`updated`: it is now. */
export type WebhookRegistration = 'ok' | 'created' | 'updated';

/**
 * Spec §9.1: RTK must send all our events to our receiver. Idempotent: finds the webhook at `url` among the app's
 * webhooks, creates it if missing, and re-enables it or adds missing events if someone changed it (events added
 * by others are kept). Pure apart from the RTK client it is given.
 */
export async function ensureWebhook(
  rtk: Pick<RtkClient, 'webhooks'>,
  url: string,
  name = 'Castio',
): Promise<WebhookRegistration> {
  const existing = (await rtk.webhooks.list()).find((webhook) => webhook.url === url);
  if (!existing) {
    await rtk.webhooks.create({ name, url, events: RTK_EVENT_TYPES, enabled: true });
    return 'created';
  }
  if (existing.enabled !== false && RTK_EVENT_TYPES.every((event) => existing.events.includes(event))) return 'ok';
  const events = [...new Set([...existing.events, ...RTK_EVENT_TYPES])];
  await rtk.webhooks.update(existing.id, { events, enabled: true });
  return 'updated';
}
