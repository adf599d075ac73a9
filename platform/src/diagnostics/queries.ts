import { NOW_SQL } from '../database/sql';

// Webhook deliveries: webhooks/queries.ts writes them with each event and attempt; the dashboard reads them here.

export type DeliveryStatus = 'received' | 'processing' | 'processed' | 'failed' | 'retry_exhausted';

export interface DeliveryRow {
  id: string;
  webhook_event_type: string;
  rtk_event_id: string | null;
  meeting_id: string | null;
  session_id: string | null;
  status: DeliveryStatus;
  attempt: number;
  processing_duration_ms: number | null;
  error_message: string | null;
  received_at: string;
  processed_at: string | null;
}

/** A page of the org's deliveries, newest first, optionally by status and event type (one row more than `limit`). */
export async function listDeliveryRows(
  db: D1Database,
  orgId: string,
  filter: { status: string | null; eventType: string | null; cursor: string | null; limit: number },
) {
  const { results } = await db
    .prepare(
      `SELECT id, webhook_event_type, rtk_event_id, meeting_id, session_id, status, attempt, processing_duration_ms,
              error_message, received_at, processed_at
         FROM diagnostic_webhook_deliveries
        WHERE org_id = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR webhook_event_type = ?3)
          AND (?4 IS NULL OR id < ?4)
        ORDER BY id DESC LIMIT ?5`,
    )
    .bind(orgId, filter.status, filter.eventType, filter.cursor, filter.limit + 1)
    .all<DeliveryRow>();
  return results;
}

export interface DeliveryStatsRow {
  total: number;
  failed: number | null;
  exhausted: number | null;
  pending: number | null;
}

/** The org's delivery counts since `since` (sums are null when there are no rows). */
export const findDeliveryStats = (db: D1Database, orgId: string, since: string) =>
  db
    .prepare(
      `SELECT COUNT(*) AS total, SUM(CASE WHEN status IN ('failed', 'retry_exhausted') THEN 1 ELSE 0 END) AS failed,
              SUM(CASE WHEN status = 'retry_exhausted' THEN 1 ELSE 0 END) AS exhausted,
              SUM(CASE WHEN status IN ('received', 'processing') THEN 1 ELSE 0 END) AS pending
         FROM diagnostic_webhook_deliveries WHERE org_id = ? AND received_at >= ?`,
    )
    .bind(orgId, since)
    .first<DeliveryStatsRow>();

export interface DeliveryDetailRow extends DeliveryRow {
  payload_summary: string | null;
  /** From the raw event; null when the event row is gone or belongs to no org. */
  event_attempts: number | null;
  next_attempt_at: string | null;
  event_processed: number | null;
}

export const findDelivery = (db: D1Database, orgId: string, deliveryId: string) =>
  db
    .prepare(
      `SELECT d.*, e.attempts AS event_attempts, e.next_attempt_at, e.processed AS event_processed
         FROM diagnostic_webhook_deliveries d LEFT JOIN webhook_events e ON e.id = d.webhook_event_id AND e.org_id = d.org_id
        WHERE d.id = ? AND d.org_id = ?`,
    )
    .bind(deliveryId, orgId)
    .first<DeliveryDetailRow>();

// Live sessions, for the dashboard and the health snapshot's counts.

export interface ActiveSessionRow {
  session_id: string;
  meeting_id: string;
  title: string;
  meeting_type: string;
  started_at: string | null;
  participant_count: number;
  peak_participant_count: number;
}

export async function listActiveSessions(db: D1Database, orgId: string) {
  const { results } = await db
    .prepare(
      `SELECT s.id AS session_id, s.meeting_id, m.title, m.meeting_type, s.started_at, s.participant_count,
              s.peak_participant_count
         FROM sessions s JOIN meetings m ON m.id = s.meeting_id AND m.org_id = s.org_id
        WHERE s.org_id = ? AND s.status = 'active' ORDER BY s.started_at LIMIT 500`,
    )
    .bind(orgId)
    .all<ActiveSessionRow>();
  return results;
}

export const countActiveSessions = (db: D1Database, orgId: string) =>
  db
    .prepare(
      `SELECT COUNT(DISTINCT meeting_id) AS meetings, COALESCE(SUM(participant_count), 0) AS participants
         FROM sessions WHERE org_id = ? AND status = 'active'`,
    )
    .bind(orgId)
    .first<{ meetings: number; participants: number }>();

// Health snapshots (health.ts, phone-home.ts) and their retention (retention.ts).

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';
export type CheckType = 'scheduled' | 'manual' | 'phone_home';

/** The D1 probe: the cheapest statement there is. */
export const probeD1 = (db: D1Database) => db.prepare('SELECT 1').first();

export interface NewHealthSnapshot {
  id: string;
  orgId: string;
  checkType: CheckType;
  status: HealthStatus;
  d1LatencyMs: number | null;
  kvLatencyMs: number | null;
  r2LatencyMs: number | null;
  rtkApiLatencyMs: number | null;
  rtkApiReachable: boolean;
  activeMeetings: number;
  activeParticipants: number;
  /** JSON text. */
  details: string;
  /** Null: now. */
  createdAt: string | null;
}

export const insertHealthSnapshotStatement = (db: D1Database, snapshot: NewHealthSnapshot) =>
  db
    .prepare(
      `INSERT INTO diagnostic_health_snapshots (id, org_id, check_type, status, d1_latency_ms, kv_latency_ms, r2_latency_ms,
         rtk_api_latency_ms, rtk_api_reachable, active_meetings_count, active_participants_count, details, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, ${NOW_SQL}))`,
    )
    .bind(
      snapshot.id,
      snapshot.orgId,
      snapshot.checkType,
      snapshot.status,
      snapshot.d1LatencyMs,
      snapshot.kvLatencyMs,
      snapshot.r2LatencyMs,
      snapshot.rtkApiLatencyMs,
      snapshot.rtkApiReachable ? 1 : 0,
      snapshot.activeMeetings,
      snapshot.activeParticipants,
      snapshot.details,
      snapshot.createdAt,
    );

export interface HealthSnapshotRow {
  id: string;
  check_type: CheckType;
  status: HealthStatus;
  d1_latency_ms: number | null;
  kv_latency_ms: number | null;
  r2_latency_ms: number | null;
  rtk_api_latency_ms: number | null;
  rtk_api_reachable: number;
  active_meetings_count: number;
  active_participants_count: number;
  created_at: string;
}

export async function listRecentSnapshots(db: D1Database, orgId: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT id, check_type, status, d1_latency_ms, kv_latency_ms, r2_latency_ms, rtk_api_latency_ms, rtk_api_reachable,
              active_meetings_count, active_participants_count, created_at
         FROM diagnostic_health_snapshots WHERE org_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(orgId, limit)
    .all<HealthSnapshotRow>();
  return results;
}

/** Spec §3.10 retention: deliveries received and snapshots taken before the cutoffs go (every org's). */
export const deleteDeliveriesBeforeStatement = (db: D1Database, cutoff: string) =>
  db.prepare('DELETE FROM diagnostic_webhook_deliveries WHERE received_at < ?').bind(cutoff);

export const deleteSnapshotsBeforeStatement = (db: D1Database, cutoff: string) =>
  db.prepare('DELETE FROM diagnostic_health_snapshots WHERE created_at < ?').bind(cutoff);

// The diagnostics columns of org_settings (org/ owns the row; these three are set from the diagnostics page).

export interface DiagnosticsSettingsRow {
  sentry_vendor_enabled: number;
  sentry_customer_dsn: string | null;
  phone_home_enabled: number;
}

export const findDiagnosticsSettings = (db: D1Database, orgId: string) =>
  db
    .prepare('SELECT sentry_vendor_enabled, sentry_customer_dsn, phone_home_enabled FROM org_settings WHERE org_id = ?')
    .bind(orgId)
    .first<DiagnosticsSettingsRow>();

/** Sets the given switches; undefined leaves one as it is (the DSN may be set to null). */
export const updateDiagnosticsSettingsStatement = (
  db: D1Database,
  orgId: string,
  patch: { sentryVendorEnabled?: boolean; sentryCustomerDsn?: string | null; phoneHomeEnabled?: boolean },
) =>
  db
    .prepare(
      `UPDATE org_settings SET
         sentry_vendor_enabled = COALESCE(?, sentry_vendor_enabled),
         sentry_customer_dsn = CASE WHEN ? THEN ? ELSE sentry_customer_dsn END,
         phone_home_enabled = COALESCE(?, phone_home_enabled),
         updated_at = ${NOW_SQL}
       WHERE org_id = ?`,
    )
    .bind(
      patch.sentryVendorEnabled === undefined ? null : patch.sentryVendorEnabled ? 1 : 0,
      patch.sentryCustomerDsn === undefined ? 0 : 1,
      patch.sentryCustomerDsn ?? null,
      patch.phoneHomeEnabled === undefined ? null : patch.phoneHomeEnabled ? 1 : 0,
      orgId,
    );
