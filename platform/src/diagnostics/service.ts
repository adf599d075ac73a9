import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { sentryPolicy } from '../observability/sentry-policy';
import { recentSnapshots, recordHealth } from './health';
import { phoneHomeEnabled, phoneHomePayload, sendPhoneHome } from './phone-home';
import {
  type DeliveryRow,
  findDelivery,
  findDeliveryStats,
  findDiagnosticsSettings,
  listActiveSessions,
  listDeliveryRows,
  updateDiagnosticsSettingsStatement,
} from './queries';

export async function healthNow(env: Env, auth: AuthContext) {
  const report = await recordHealth(env, auth.orgId, 'manual');
  return { ...report, history: await recentSnapshots(env.DB, auth.orgId) };
}

export async function listDeliveries(
  db: D1Database,
  orgId: string,
  query: { status?: string; eventType?: string; cursor?: string; limit: number },
) {
  const results = await listDeliveryRows(db, orgId, {
    status: query.status ?? null,
    eventType: query.eventType ?? null,
    cursor: query.cursor ?? null,
    limit: query.limit,
  });
  const stats = await findDeliveryStats(db, orgId, new Date(Date.now() - 86_400_000).toISOString());
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

const toDelivery = (row: DeliveryRow) => ({
  id: row.id,
  eventType: row.webhook_event_type,
  rtkDeliveryId: row.rtk_event_id,
  meetingId: row.meeting_id,
  rtkSessionId: row.session_id,
  status: row.status,
  attempt: row.attempt,
  processingDurationMs: row.processing_duration_ms,
  errorMessage: row.error_message,
  receivedAt: row.received_at,
  processedAt: row.processed_at,
});

export async function getDelivery(db: D1Database, orgId: string, id: string) {
  const row = await findDelivery(db, orgId, id);
  if (!row) throw notFound('The webhook delivery');
  return { ...toDelivery(row), payloadSummary: row.payload_summary, nextAttemptAt: row.next_attempt_at ?? null };
}

export async function activeMeetings(db: D1Database, orgId: string) {
  const results = await listActiveSessions(db, orgId);
  const now = Date.now();
  return {
    items: results.map((row) => ({
      meetingId: row.meeting_id,
      title: row.title,
      meetingType: row.meeting_type,
      sessionId: row.session_id,
      startedAt: row.started_at,
      participantCount: row.participant_count,
      peakParticipantCount: row.peak_participant_count,
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
  const row = await findDiagnosticsSettings(db, orgId);
  if (!row) throw notFound('The organisation settings');
  return {
    sentryVendorEnabled: row.sentry_vendor_enabled === 1,
    sentryCustomerDsn: row.sentry_customer_dsn ?? null,
    phoneHomeEnabled: row.phone_home_enabled === 1,
  };
}

export async function updateDiagnosticsSettings(db: D1Database, orgId: string, patch: Partial<DiagnosticsSettings>) {
  await updateDiagnosticsSettingsStatement(db, orgId, patch).run();
  // Error reports from this isolate follow the new settings at once; other isolates within SENTRY_POLICY_TTL_MS.
  await sentryPolicy.reload(db);
  return getDiagnosticsSettings(db, orgId);
}
