import * as Sentry from '@sentry/cloudflare';
import { hexEncode } from '@castio/shared/encoding';
import { isKnownEventType } from '@castio/shared/rtk';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { resolveRtkMeeting } from '../sessions/queries';
import { sendQueuedNotifications } from '../notifications/service';
import { markSessionDayStaleStatement } from '../analytics/queries';
import { handleEvent } from './handlers';
import { parseEvent, PayloadError, readEnvelope, summarizeEvent, type EventEnvelope } from './payload';
import { verifyRtkDelivery } from './public-key';
import {
  claimAttempt,
  dueEventIds,
  markFailed,
  markProcessed,
  markProcessedStatements,
  storeRawEvent,
} from './queries';

export interface IngestOutcome {
  body: { received: true; duplicate: boolean; eventId: string | null };
  eventId: string | null;
}

const sha256Hex = async (bytes: ArrayBuffer) => hexEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));

/**
 * Receives one delivery (docs/architecture.md#webhook-ingest, §7.1): verify the signature over the raw bytes, then store the raw event
 * and its tracking row in one D1 batch, and only then answer 2xx. A storage failure throws a 500 (`store_failed`)
 * so RTK retries; a bad signature a 401 (not retried, correctly). Processing happens after, from the stored row.
 */
export async function ingestDelivery(env: Env, headers: Headers, rawBody: ArrayBuffer): Promise<IngestOutcome> {
  let valid: boolean;
  try {
    valid = await verifyRtkDelivery(env, headers.get('rtk-signature') ?? undefined, rawBody);
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', msg: 'webhook key unavailable', name: (error as Error).name }));
    Sentry.captureException(error, { tags: { component: 'webhook-handler', route: 'POST /webhooks/rtk' } });
    throw new ApiError('key_unavailable', 'The webhook signing key could not be loaded; retry later.');
  }
  if (!valid) {
    Sentry.captureMessage('Invalid webhook signature', {
      level: 'warning',
      tags: { component: 'webhook-handler', route: 'POST /webhooks/rtk' },
    });
    throw new ApiError('invalid_signature', 'The webhook signature is missing or not valid.');
  }

  const receivedAt = new Date().toISOString();
  const text = new TextDecoder().decode(rawBody);
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  // A signed body we cannot read is still kept (and answered 200: a 4xx would never be retried, so lost).
  const envelope: EventEnvelope =
    body === null ? { eventType: 'unparseable', rtkMeetingId: null, rtkSessionId: null } : readEnvelope(body);
  try {
    const eventId = await storeRawEvent(env.DB, {
      deliveryId: headers.get('rtk-uuid')?.slice(0, 200) || null,
      webhookId: headers.get('rtk-webhook-id')?.slice(0, 200) ?? '',
      bodySha256: await sha256Hex(rawBody),
      eventType: envelope.eventType,
      knownType: isKnownEventType(envelope.eventType),
      rtkMeetingId: envelope.rtkMeetingId,
      rtkSessionId: envelope.rtkSessionId,
      payloadJson: text,
      payloadSummary: summarizeEvent(envelope, body),
      receivedAt,
    });
    // Ignored events (unknown meeting or type) are stored as processed: the claim simply finds nothing to do.
    return { body: { received: true, duplicate: eventId === null, eventId }, eventId };
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', msg: 'webhook store failed', name: (error as Error).name }));
    Sentry.captureException(error, {
      tags: { component: 'webhook-handler', route: 'POST /webhooks/rtk', webhook_event_type: envelope.eventType },
    });
    throw new ApiError('store_failed', 'The event could not be stored; retry later.');
  }
}

/** Error text for the deliveries dashboard: the message only, trimmed, no stack. */
const describe = (error: unknown) => String((error as Error)?.message ?? error).slice(0, 500);

/**
 * Runs one attempt of a stored event. Never throws: failures are recorded (and reported to Sentry with the
 * §3.2 tags) for the retry cron. Returns the final state of this attempt.
 */
export async function processStoredEvent(env: Env, eventId: string, now = Date.now()) {
  let event: Awaited<ReturnType<typeof claimAttempt>>;
  try {
    event = await claimAttempt(env.DB, eventId, now);
  } catch {
    return 'failed' as const; // D1 unavailable: the event is still due, the next cron run takes it.
  }
  if (!event) return 'skipped' as const;
  const started = Date.now();
  let poison = false;
  try {
    const body: unknown = JSON.parse(event.payload_json);
    const parsed = parseEvent(body);
    const target = await resolveRtkMeeting(env.DB, parsed.rtkMeetingId);
    if (!target || target.orgId !== event.org_id) {
      await markProcessed(env.DB, event, started, 'ignored: the meeting is not known to this deployment');
      return 'processed' as const;
    }
    const commit = markProcessedStatements(env.DB, event, started);
    const result = await handleEvent(env, target, parsed, event.received_at, commit);
    if (!result.committed) {
      // A late event for an already rolled-up day: that day is computed live until the next rollup.
      const stale = result.sessionId ? [markSessionDayStaleStatement(env.DB, result.sessionId)] : [];
      await env.DB.batch([...stale, ...markProcessedStatements(env.DB, event, started)]);
    }
    if (result.sessionEnded) {
      // Best effort: the cron sends whatever this misses.
      await sendQueuedNotifications(env).catch(() => undefined);
    }
    return 'processed' as const;
  } catch (error) {
    poison = error instanceof PayloadError;
    Sentry.captureException(error, {
      tags: {
        component: 'webhook-handler',
        route: 'POST /webhooks/rtk',
        org_id: event.org_id ?? 'unknown',
        webhook_event_type: event.event_type,
        meeting_id: event.rtk_meeting_id ?? 'unknown',
      },
    });
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'webhook processing failed',
        eventType: event.event_type,
        name: (error as Error)?.name,
      }),
    );
    try {
      await markFailed(env.DB, event, Date.now() - started, describe(error), poison);
    } catch {
      // D1 itself is failing: the lease set by the claim brings the event back to the retry cron.
    }
    return 'failed' as const;
  }
}

/** The retry cron (spec §9.6): every due event gets its next attempt, oldest first. */
export async function retryPendingEvents(env: Env, options: { now?: number; limit?: number } = {}) {
  const now = options.now ?? Date.now();
  const ids = await dueEventIds(env.DB, now, options.limit ?? 100);
  const outcome = { attempted: 0, processed: 0, failed: 0 };
  for (const id of ids) {
    const result = await processStoredEvent(env, id, now);
    if (result === 'skipped') continue;
    outcome.attempted++;
    outcome[result]++;
  }
  return outcome;
}
