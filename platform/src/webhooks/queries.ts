import { newId } from '@castio/shared/ids';
import { NOW_SQL, rowsOf } from '../database/sql';

export const MAX_ATTEMPTS = 3;
/** Lease after the n-th attempt starts: if it fails (or the Worker dies), the cron retries after this. */
export const BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000] as const;
export const backoffAfterAttempt = (attempt: number) => BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length) - 1]!;

export interface StoredEventInput {
  deliveryId: string | null;
  webhookId: string;
  bodySha256: string;
  eventType: string;
  /** Whether the event type is one of the nine we process; others are kept but never processed. */
  knownType: boolean;
  rtkMeetingId: string | null;
  rtkSessionId: string | null;
  payloadJson: string;
  payloadSummary: string;
  receivedAt: string;
}

const UNKNOWN_MEETING = 'ignored: the meeting is not known to this deployment';
const UNKNOWN_TYPE = 'ignored: unknown event type';

/**
 * The raw event and its delivery-tracking row in one D1 batch (one transaction, one round trip). The org is
 * resolved inside it from meetings / meeting_occurrences; events for meetings we don't know are kept with no
 * org and marked ignored. A body already stored is a duplicate whatever its headers say: RTK's signature covers
 * only the body, so `rtk-uuid` and `rtk-webhook-id` can be anything on a replay. The check is part of the insert
 * (D1 runs one statement at a time, so identical deliveries arriving at once store one row; migration 0005
 * indexes the hash). The delivery row exists only if the event row is new. Returns the new event id, or null for
 * a duplicate.
 */
export async function storeRawEvent(db: D1Database, input: StoredEventInput): Promise<string | null> {
  const eventId = newId();
  const target = `SELECT COALESCE(
      (SELECT org_id FROM meeting_occurrences WHERE rtk_meeting_id = ?7 LIMIT 1),
      (SELECT org_id FROM meetings WHERE rtk_meeting_id = ?7 LIMIT 1)) AS org_id`;
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO webhook_events (id, org_id, rtk_delivery_id, rtk_webhook_id, body_sha256, event_type, rtk_meeting_id,
           rtk_session_id, payload_json, processed, error_message, received_at, processed_at)
         SELECT ?1, t.org_id, ?2, ?3, ?4, ?5, ?7, ?8, ?9,
                CASE WHEN t.org_id IS NULL OR ?6 = 0 THEN 1 ELSE 0 END,
                CASE WHEN t.org_id IS NULL THEN ?11 WHEN ?6 = 0 THEN ?12 END,
                ?10,
                CASE WHEN t.org_id IS NULL OR ?6 = 0 THEN ?10 END
           FROM (${target}) AS t WHERE NOT EXISTS (SELECT 1 FROM webhook_events WHERE body_sha256 = ?4)
         ON CONFLICT DO NOTHING`,
      )
      .bind(
        eventId,
        input.deliveryId,
        input.webhookId,
        input.bodySha256,
        input.eventType,
        input.knownType ? 1 : 0,
        input.rtkMeetingId,
        input.rtkSessionId,
        input.payloadJson,
        input.receivedAt,
        UNKNOWN_MEETING,
        UNKNOWN_TYPE,
      ),
    db
      .prepare(
        `INSERT INTO diagnostic_webhook_deliveries (id, org_id, webhook_event_id, webhook_event_type, rtk_event_id, meeting_id,
           session_id, status, attempt, payload_summary, received_at, error_message, processed_at)
         SELECT ?1, e.org_id, e.id, e.event_type, e.rtk_delivery_id,
                COALESCE((SELECT o.meeting_id FROM meeting_occurrences o WHERE o.rtk_meeting_id = e.rtk_meeting_id AND o.org_id = e.org_id LIMIT 1),
                         (SELECT m.id FROM meetings m WHERE m.rtk_meeting_id = e.rtk_meeting_id AND m.org_id = e.org_id LIMIT 1)),
                e.rtk_session_id, CASE WHEN e.processed = 1 THEN 'processed' ELSE 'received' END, 0, ?2, e.received_at,
                e.error_message, e.processed_at
           FROM webhook_events e WHERE e.id = ?3 AND e.org_id IS NOT NULL`,
      )
      .bind(newId(), input.payloadSummary, eventId),
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
  const lease = (attempt: number) => new Date(now + backoffAfterAttempt(attempt)).toISOString();
  const leases = [lease(1), lease(2), lease(3)] as const;
  const [claimed] = await db.batch([
    db
      .prepare(
        `UPDATE webhook_events SET attempts = attempts + 1,
           next_attempt_at = CASE attempts WHEN 0 THEN ?1 WHEN 1 THEN ?2 ELSE ?3 END
          WHERE id = ?4 AND processed = 0 AND attempts < ?5 AND (next_attempt_at IS NULL OR next_attempt_at <= ?6)
          RETURNING *`,
      )
      .bind(...leases, eventId, MAX_ATTEMPTS, new Date(now).toISOString()),
    // Shown as `processing` while this attempt runs (only if the claim above took it: its lease is set).
    db
      .prepare(
        `UPDATE diagnostic_webhook_deliveries SET status = 'processing', attempt = e.attempts
           FROM (SELECT attempts FROM webhook_events WHERE id = ?1 AND processed = 0 AND next_attempt_at IN (?2, ?3, ?4)) AS e
          WHERE webhook_event_id = ?1`,
      )
      .bind(eventId, ...leases),
  ]);
  return rowsOf<WebhookEventRow>(claimed)[0] ?? null;
}

/** Marks the event processed; meant to run in the same batch as the event's effects (see handlers). */
export function markProcessedStatements(
  db: D1Database,
  event: WebhookEventRow,
  startedMs: number,
  note: string | null = null,
) {
  const started = new Date(startedMs).toISOString();
  return [
    db
      .prepare(
        `UPDATE webhook_events SET processed = 1, processed_at = ${NOW_SQL}, error_message = ?,
           next_attempt_at = NULL WHERE id = ?`,
      )
      .bind(note, event.id),
    db
      .prepare(
        `UPDATE diagnostic_webhook_deliveries SET status = 'processed', attempt = ?,
           processing_duration_ms = MAX(0, CAST(ROUND((julianday('now') - julianday(?)) * 86400000) AS INTEGER)),
           error_message = ?, processed_at = ${NOW_SQL} WHERE webhook_event_id = ?`,
      )
      .bind(event.attempts, started, note, event.id),
  ];
}

export const markProcessed = (db: D1Database, event: WebhookEventRow, startedMs: number, note: string | null = null) =>
  db.batch(markProcessedStatements(db, event, startedMs, note));

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
           processed_at = ${NOW_SQL} WHERE webhook_event_id = ?`,
      )
      .bind(exhausted ? 'retry_exhausted' : 'failed', event.attempts, durationMs, message, event.id),
  ]);
}

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

// Guests as RTK reports them (handlers.ts): a join admits a waiting guest, a leave ends their token's use.

export const admitGuestStatement = (db: D1Database, guestTokenId: string) =>
  db.prepare("UPDATE guest_tokens SET status = 'admitted' WHERE id = ? AND status = 'waiting'").bind(guestTokenId);

export const guestLeftStatement = (db: D1Database, guestTokenId: string) =>
  db
    .prepare("UPDATE guest_tokens SET status = 'left' WHERE id = ? AND status IN ('waiting', 'admitted')")
    .bind(guestTokenId);
