import { newId } from '../../../shared/src/ids';

export const MAX_ATTEMPTS = 3;
/** Lease after the n-th attempt starts: if it fails (or the Worker dies), the cron retries after this. */
export const BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000] as const;
export const backoffAfterAttempt = (attempt: number) => BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length) - 1]!;

export interface StoredEventInput {
  orgId: string | null;
  deliveryId: string | null;
  webhookId: string;
  bodySha256: string;
  eventType: string;
  rtkMeetingId: string | null;
  rtkSessionId: string | null;
  payloadJson: string;
  /** Set for events we keep but never process (unknown meeting or event type). */
  ignoredReason: string | null;
  payloadSummary: string;
  meetingId: string | null;
  receivedAt: string;
}

/**
 * The raw event and its delivery-tracking row in one D1 batch (one transaction). Both UNIQUE keys
 * (`rtk-uuid`, and `rtk-webhook-id` + body hash) dedupe; the delivery row exists only if the event row is new.
 * Returns the new event id, or null for a duplicate.
 */
export async function storeRawEvent(db: D1Database, input: StoredEventInput): Promise<string | null> {
  const eventId = newId();
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO webhook_events (id, org_id, rtk_delivery_id, rtk_webhook_id, body_sha256, event_type, rtk_meeting_id,
           rtk_session_id, payload_json, processed, error_message, received_at, processed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .bind(
        eventId,
        input.orgId,
        input.deliveryId,
        input.webhookId,
        input.bodySha256,
        input.eventType,
        input.rtkMeetingId,
        input.rtkSessionId,
        input.payloadJson,
        input.ignoredReason ? 1 : 0,
        input.ignoredReason,
        input.receivedAt,
        input.ignoredReason ? input.receivedAt : null,
      ),
    db
      .prepare(
        `INSERT INTO diagnostic_webhook_deliveries (id, org_id, webhook_event_id, webhook_event_type, rtk_event_id, meeting_id,
           session_id, status, attempt, payload_summary, received_at, error_message, processed_at)
         SELECT ?, org_id, id, event_type, rtk_delivery_id, ?, rtk_session_id, ?, 0, ?, received_at, error_message, processed_at
           FROM webhook_events WHERE id = ? AND org_id IS NOT NULL`,
      )
      .bind(newId(), input.meetingId, input.ignoredReason ? 'processed' : 'received', input.payloadSummary, eventId),
  ]);
  return inserted!.meta.changes ? eventId : null;
}

export interface WebhookEventRow {
  id: string;
  org_id: string | null;
  event_type: string;
  rtk_meeting_id: string | null;
  rtk_session_id: string | null;
  payload_json: string;
  processed: number;
  attempts: number;
  next_attempt_at: string | null;
  received_at: string;
}

/**
 * Claims the next attempt of an event (optimistic: only one of several concurrent runners wins) and sets a
 * lease, so a run that dies half-way is retried later. Null when not due, done, exhausted or taken.
 */
export async function claimAttempt(db: D1Database, eventId: string, now: number): Promise<WebhookEventRow | null> {
  const current = await db
    .prepare('SELECT attempts FROM webhook_events WHERE id = ? AND processed = 0')
    .bind(eventId)
    .first<{ attempts: number }>();
  if (!current || current.attempts >= MAX_ATTEMPTS) return null;
  const attempt = current.attempts + 1;
  return db
    .prepare(
      `UPDATE webhook_events SET attempts = ?, next_attempt_at = ?
        WHERE id = ? AND processed = 0 AND attempts = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
        RETURNING *`,
    )
    .bind(
      attempt,
      new Date(now + backoffAfterAttempt(attempt)).toISOString(),
      eventId,
      current.attempts,
      new Date(now).toISOString(),
    )
    .first<WebhookEventRow>();
}

export function markProcessed(db: D1Database, event: WebhookEventRow, durationMs: number, note: string | null = null) {
  return db.batch([
    db
      .prepare(
        `UPDATE webhook_events SET processed = 1, processed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), error_message = ?,
           next_attempt_at = NULL WHERE id = ?`,
      )
      .bind(note, event.id),
    db
      .prepare(
        `UPDATE diagnostic_webhook_deliveries SET status = 'processed', attempt = ?, processing_duration_ms = ?,
           error_message = ?, processed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE webhook_event_id = ?`,
      )
      .bind(event.attempts, durationMs, note, event.id),
  ]);
}

/** Records a failed attempt; after the last one (or for a poison event) the event is dead-lettered. */
export function markFailed(
  db: D1Database,
  event: WebhookEventRow,
  durationMs: number,
  message: string,
  poison: boolean,
) {
  const exhausted = poison || event.attempts >= MAX_ATTEMPTS;
  return db.batch([
    db
      .prepare(
        `UPDATE webhook_events SET error_message = ?, attempts = CASE WHEN ? THEN ? ELSE attempts END,
           next_attempt_at = CASE WHEN ? THEN NULL ELSE next_attempt_at END WHERE id = ?`,
      )
      .bind(message, exhausted ? 1 : 0, Math.max(event.attempts, MAX_ATTEMPTS), exhausted ? 1 : 0, event.id),
    db
      .prepare(
        `UPDATE diagnostic_webhook_deliveries SET status = ?, attempt = ?, processing_duration_ms = ?, error_message = ?,
           processed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE webhook_event_id = ?`,
      )
      .bind(exhausted ? 'retry_exhausted' : 'failed', event.attempts, durationMs, message, event.id),
  ]);
}

export const markProcessing = (db: D1Database, event: WebhookEventRow) =>
  db
    .prepare(`UPDATE diagnostic_webhook_deliveries SET status = 'processing', attempt = ? WHERE webhook_event_id = ?`)
    .bind(event.attempts, event.id)
    .run();

/** Events due for another attempt: unprocessed, under the attempt cap, lease expired. Oldest first. */
export async function dueEventIds(db: D1Database, now: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM webhook_events WHERE processed = 0 AND attempts < ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
        ORDER BY received_at LIMIT ?`,
    )
    .bind(MAX_ATTEMPTS, new Date(now).toISOString(), limit)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}
