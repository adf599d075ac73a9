import { sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import type { Env } from '../env';
import type { HealthReport } from './health';
import { findDiagnosticsSettings, insertHealthSnapshotStatement } from './queries';

export const SDK_VERSION = 'realtimekit/2.0.2';

/**
 * The phone-home body of spec §3.7: the org id SHA-256 hashed, aggregate counts and latencies, versions, time.
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
  const row = await findDiagnosticsSettings(env.DB, orgId);
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
  await insertHealthSnapshotStatement(env.DB, {
    id: newId(),
    orgId,
    checkType: 'phone_home',
    status: report.status,
    d1LatencyMs: report.checks.d1.latencyMs,
    kvLatencyMs: report.checks.kv.latencyMs,
    r2LatencyMs: report.checks.r2.latencyMs,
    rtkApiLatencyMs: report.checks.rtk.latencyMs,
    rtkApiReachable: report.checks.rtk.ok,
    activeMeetings: report.activeMeetings,
    activeParticipants: report.activeParticipants,
    details: JSON.stringify({ delivered, httpStatus, sent: payload }),
    createdAt: null,
  }).run();
  return { delivered, httpStatus, payload };
}
