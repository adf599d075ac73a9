import { sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import type { Env } from '../env';
import type { HealthReport } from './health';

export const SDK_VERSION = 'realtimekit/2.0.2';

/**
 * The phone-home body of seed §3.7: the org id SHA-256 hashed, aggregate counts and latencies, versions, time.
 * Built from the health report alone, so nothing personal (names, emails, titles, IPs, chat) can be in it. Pure
 * apart from hashing.
 */
export async function phoneHomePayload(env: Pick<Env, 'SENTRY_RELEASE'>, orgId: string, report: HealthReport) {
  return {
    orgId: await sha256Hex(orgId),
    status: report.status,
    activeMeetings: report.activeMeetings,
    activeParticipants: report.activeParticipants,
    d1Latency: report.checks.d1.latencyMs,
    kvLatency: report.checks.kv.latencyMs,
    r2Latency: report.checks.r2.latencyMs,
    rtkApiLatency: report.checks.rtk.latencyMs,
    workerVersion: env.SENTRY_RELEASE ?? 'dev',
    sdkVersion: SDK_VERSION,
    timestamp: report.checkedAt,
  };
}

export async function phoneHomeEnabled(env: Env, orgId: string) {
  if (!env.PHONE_HOME_URL) return false;
  const row = await env.DB.prepare('SELECT phone_home_enabled FROM org_settings WHERE org_id = ?')
    .bind(orgId)
    .first<{ phone_home_enabled: number }>();
  return row?.phone_home_enabled === 1;
}

/**
 * Posts the report to `{PHONE_HOME_URL}/api/telemetry/health` and logs the call in
 * diagnostic_health_snapshots (check_type `phone_home`) for transparency.
 */
export async function sendPhoneHome(env: Env, orgId: string, report: HealthReport) {
  const payload = await phoneHomePayload(env, orgId, report);
  const url = `${env.PHONE_HOME_URL!.replace(/\/+$/, '')}/api/telemetry/health`;
  let delivered = false;
  let httpStatus: number | null = null;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    httpStatus = response.status;
    delivered = response.ok;
  } catch {
    delivered = false;
  }
  await env.DB.prepare(
    `INSERT INTO diagnostic_health_snapshots (id, org_id, check_type, status, d1_latency_ms, kv_latency_ms, r2_latency_ms,
       rtk_api_latency_ms, rtk_api_reachable, active_meetings_count, active_participants_count, details)
     VALUES (?, ?, 'phone_home', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      newId(),
      orgId,
      report.status,
      report.checks.d1.latencyMs,
      report.checks.kv.latencyMs,
      report.checks.r2.latencyMs,
      report.checks.rtk.latencyMs,
      report.checks.rtk.ok ? 1 : 0,
      report.activeMeetings,
      report.activeParticipants,
      JSON.stringify({ delivered, httpStatus, sent: payload }),
    )
    .run();
  return { delivered, httpStatus, payload };
}
