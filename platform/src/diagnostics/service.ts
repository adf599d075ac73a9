import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { sentryPolicy } from '../observability/sentry-policy';
import { recentSnapshots, recordHealth } from './health';
import { phoneHomeEnabled, phoneHomePayload, sendPhoneHome } from './phone-home';

export async function healthNow(env: Env, auth: AuthContext) {
  const report = await recordHealth(env, auth.orgId, 'manual');
  return { ...report, history: await recentSnapshots(env.DB, auth.orgId) };
}

export async function listDeliveries(
  db: D1Database,
  orgId: string,
  query: { status?: string; eventType?: string; cursor?: string; limit: number },
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
    .bind(orgId, query.status ?? null, query.eventType ?? null, query.cursor ?? null, query.limit + 1)
    .all<any>();
  const stats = await db
    .prepare(
      `SELECT COUNT(*) AS total, SUM(CASE WHEN status IN ('failed', 'retry_exhausted') THEN 1 ELSE 0 END) AS failed,
              SUM(CASE WHEN status = 'retry_exhausted' THEN 1 ELSE 0 END) AS exhausted,
              SUM(CASE WHEN status IN ('received', 'processing') THEN 1 ELSE 0 END) AS pending
         FROM diagnostic_webhook_deliveries WHERE org_id = ? AND received_at >= ?`,
    )
    .bind(orgId, new Date(Date.now() - 86_400_000).toISOString())
    .first<{ total: number; failed: number | null; exhausted: number | null; pending: number | null }>();
  const page = results.slice(0, query.limit);
  return {
    items: page.map(toDelivery),
    nextCursor: results.length > query.limit ? page.at(-1)!.id : null,
    last24h: {
      total: stats?.total ?? 0,
      failed: stats?.failed ?? 0,
      retryExhausted: stats?.exhausted ?? 0,
      pending: stats?.pending ?? 0,
      failureRate: stats?.total ? Number(((stats.failed ?? 0) / stats.total).toFixed(4)) : 0,
    },
  };
}

const toDelivery = (row: any) => ({
  id: row.id as string,
  eventType: row.webhook_event_type as string,
  rtkDeliveryId: row.rtk_event_id as string | null,
  meetingId: row.meeting_id as string | null,
  rtkSessionId: row.session_id as string | null,
  status: row.status as 'received' | 'processing' | 'processed' | 'failed' | 'retry_exhausted',
  attempt: row.attempt as number,
  processingDurationMs: row.processing_duration_ms as number | null,
  errorMessage: row.error_message as string | null,
  receivedAt: row.received_at as string,
  processedAt: row.processed_at as string | null,
});

export async function getDelivery(db: D1Database, orgId: string, id: string) {
  const row = await db
    .prepare(
      `SELECT d.*, e.attempts AS event_attempts, e.next_attempt_at, e.processed AS event_processed
         FROM diagnostic_webhook_deliveries d LEFT JOIN webhook_events e ON e.id = d.webhook_event_id AND e.org_id = d.org_id
        WHERE d.id = ? AND d.org_id = ?`,
    )
    .bind(id, orgId)
    .first<any>();
  if (!row) throw notFound('The webhook delivery');
  return {
    ...toDelivery(row),
    payloadSummary: row.payload_summary as string | null,
    nextAttemptAt: (row.next_attempt_at as string | null) ?? null,
  };
}

export async function activeMeetings(db: D1Database, orgId: string) {
  const { results } = await db
    .prepare(
      `SELECT s.id AS session_id, s.meeting_id, m.title, m.meeting_type, s.started_at, s.participant_count,
              s.peak_participant_count
         FROM sessions s JOIN meetings m ON m.id = s.meeting_id AND m.org_id = s.org_id
        WHERE s.org_id = ? AND s.status = 'active' ORDER BY s.started_at LIMIT 500`,
    )
    .bind(orgId)
    .all<any>();
  const now = Date.now();
  return {
    items: results.map((row) => ({
      meetingId: row.meeting_id as string,
      title: row.title as string,
      meetingType: row.meeting_type as string,
      sessionId: row.session_id as string,
      startedAt: row.started_at as string | null,
      participantCount: row.participant_count as number,
      peakParticipantCount: row.peak_participant_count as number,
      durationSeconds: row.started_at ? Math.max(0, Math.round((now - Date.parse(row.started_at)) / 1000)) : null,
    })),
  };
}

export async function manualPhoneHome(env: Env, auth: AuthContext, dryRun = false) {
  if (dryRun) {
    const report = await recordHealth(env, auth.orgId, 'manual');
    return { delivered: false, status: report.status, sent: await phoneHomePayload(env, auth.orgId, report) };
  }
  if (!env.PHONE_HOME_URL) throw new ApiError('phone_home_unconfigured', 'This deployment has no phone-home endpoint.');
  if (!(await phoneHomeEnabled(env, auth.orgId))) {
    throw new ApiError('phone_home_disabled', 'Phone-home is switched off in the diagnostics settings.');
  }
  const report = await recordHealth(env, auth.orgId, 'manual');
  const result = await sendPhoneHome(env, auth.orgId, report);
  if (!result.delivered) throw new ApiError('phone_home_failed', 'The vendor endpoint did not accept the report.');
  return { delivered: true, status: report.status, sent: result.payload };
}

export interface DiagnosticsSettings {
  sentryVendorEnabled: boolean;
  sentryCustomerDsn: string | null;
  phoneHomeEnabled: boolean;
}

export async function getDiagnosticsSettings(db: D1Database, orgId: string): Promise<DiagnosticsSettings> {
  const row = await db
    .prepare('SELECT sentry_vendor_enabled, sentry_customer_dsn, phone_home_enabled FROM org_settings WHERE org_id = ?')
    .bind(orgId)
    .first<any>();
  if (!row) throw notFound('The organisation settings');
  return {
    sentryVendorEnabled: row.sentry_vendor_enabled === 1,
    sentryCustomerDsn: row.sentry_customer_dsn ?? null,
    phoneHomeEnabled: row.phone_home_enabled === 1,
  };
}

export async function updateDiagnosticsSettings(db: D1Database, orgId: string, patch: Partial<DiagnosticsSettings>) {
  await db
    .prepare(
      `UPDATE org_settings SET
         sentry_vendor_enabled = COALESCE(?, sentry_vendor_enabled),
         sentry_customer_dsn = CASE WHEN ? THEN ? ELSE sentry_customer_dsn END,
         phone_home_enabled = COALESCE(?, phone_home_enabled),
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
       WHERE org_id = ?`,
    )
    .bind(
      patch.sentryVendorEnabled === undefined ? null : patch.sentryVendorEnabled ? 1 : 0,
      patch.sentryCustomerDsn === undefined ? 0 : 1,
      patch.sentryCustomerDsn ?? null,
      patch.phoneHomeEnabled === undefined ? null : patch.phoneHomeEnabled ? 1 : 0,
      orgId,
    )
    .run();
  // Error reports from this isolate follow the new settings at once; other isolates within SENTRY_POLICY_TTL_MS.
  await sentryPolicy.reload(db);
  return getDiagnosticsSettings(db, orgId);
}
