import { newId } from '@castio/shared/ids';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import type { Env } from '../env';
import {
  type CheckType,
  countActiveSessions,
  type HealthStatus,
  insertHealthSnapshotStatement,
  listRecentSnapshots,
  probeD1,
} from './queries';
export const SLOW_PROBE_MS = 2000;

export interface ProbeResult {
  ok: boolean;
  latencyMs: number | null;
  /** Short machine-readable reason when not ok; never an error message with internals. */
  error?: string;
  skipped?: boolean;
}

export interface ProbeSet {
  d1: ProbeResult;
  kv: ProbeResult;
  r2: ProbeResult;
  rtk: ProbeResult;
}

/** Spec §3.6: unhealthy if any probe fails, degraded if any is slower than 2 s (or RTK is not set up). Pure. */
export function overallStatus(probes: ProbeSet): HealthStatus {
  const results = Object.values(probes) as ProbeResult[];
  if (results.some((result) => !result.ok && !result.skipped)) return 'unhealthy';
  if (results.some((result) => result.skipped || (result.latencyMs ?? 0) > SLOW_PROBE_MS)) return 'degraded';
  return 'healthy';
}

const PROBE_TIMEOUT_MS = 5000;

async function timed(probe: () => Promise<unknown>, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const name = (error as Error)?.message === 'timeout' ? 'timeout' : ((error as Error)?.name ?? 'error');
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: name };
  } finally {
    clearTimeout(timer);
  }
}

const PROBE_KEY = 'diagnostics/health-probe';

/** D1 `SELECT 1`, a KV read, an R2 head, and the cheapest authenticated RTK call, in parallel. */
export async function runProbes(env: Env): Promise<ProbeSet> {
  // One attempt: the probe reports the first failure and its latency instead of retrying them away.
  const client = rtkClientFromEnv(env, { retries: 0, timeoutMs: PROBE_TIMEOUT_MS });
  const [d1, kv, r2, rtk] = await Promise.all([
    timed(() => probeD1(env.DB)),
    timed(() => env.KV_CACHE.get('cache:diagnostics:probe')),
    timed(() => env.R2_EXPORTS.head(PROBE_KEY)),
    client
      ? timed(() => client.meetings.list({ perPage: 1 }))
      : Promise.resolve<ProbeResult>({ ok: false, latencyMs: null, error: 'not_configured', skipped: true }),
  ]);
  return { d1, kv, r2, rtk };
}

export async function activeCounts(db: D1Database, orgId: string) {
  const row = await countActiveSessions(db, orgId);
  return { activeMeetings: row?.meetings ?? 0, activeParticipants: row?.participants ?? 0 };
}

export interface HealthReport {
  id: string;
  status: HealthStatus;
  checkType: CheckType;
  checkedAt: string;
  checks: ProbeSet;
  activeMeetings: number;
  activeParticipants: number;
}

/** Probes once and stores the snapshot for the org (a D1 failure is reported, not thrown, when possible). */
export async function recordHealth(
  env: Env,
  orgId: string,
  checkType: CheckType,
  probes?: ProbeSet,
): Promise<HealthReport> {
  const checks = probes ?? (await runProbes(env));
  const counts = checks.d1.ok ? await activeCounts(env.DB, orgId).catch(() => null) : null;
  const report: HealthReport = {
    id: newId(),
    status: overallStatus(checks),
    checkType,
    checkedAt: new Date().toISOString(),
    checks,
    activeMeetings: counts?.activeMeetings ?? 0,
    activeParticipants: counts?.activeParticipants ?? 0,
  };
  await insertHealthSnapshotStatement(env.DB, {
    id: report.id,
    orgId,
    checkType,
    status: report.status,
    d1LatencyMs: checks.d1.latencyMs,
    kvLatencyMs: checks.kv.latencyMs,
    r2LatencyMs: checks.r2.latencyMs,
    rtkApiLatencyMs: checks.rtk.latencyMs,
    rtkApiReachable: checks.rtk.ok,
    activeMeetings: report.activeMeetings,
    activeParticipants: report.activeParticipants,
    details: JSON.stringify({ checks }),
    createdAt: report.checkedAt,
  })
    .run()
    .catch(() => undefined); // D1 down: the report still answers (it says so), it just cannot be kept.
  return report;
}

export async function recentSnapshots(db: D1Database, orgId: string, limit = 20) {
  return (await listRecentSnapshots(db, orgId, limit)).map((row) => ({
    id: row.id,
    checkType: row.check_type,
    status: row.status,
    d1LatencyMs: row.d1_latency_ms,
    kvLatencyMs: row.kv_latency_ms,
    r2LatencyMs: row.r2_latency_ms,
    rtkApiLatencyMs: row.rtk_api_latency_ms,
    rtkApiReachable: row.rtk_api_reachable === 1,
    activeMeetings: row.active_meetings_count,
    activeParticipants: row.active_participants_count,
    createdAt: row.created_at,
  }));
}
