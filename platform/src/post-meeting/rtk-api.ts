import type { Env } from '../env';

/**
 * The few RealtimeKit REST calls post-meeting processing, polling and health probes need (rtk.md §1).
 * A thin port over fetch with RTK's `{ success, data }` envelope; it moves onto the shared typed RTK client
 * (shared/src/rtk) once that lands, without changing callers.
 */
export interface RtkRecordingDetails {
  id: string;
  status: string | null;
  downloadUrl: string | null;
  downloadUrlExpiry: string | null;
  durationSeconds: number | null;
  fileSizeBytes: number | null;
  codec: string | null;
  storageType: string | null;
}

export interface RtkLiveSession {
  id: string;
  meetingId: string;
  liveParticipants: number;
  startedAt: string | null;
}

export class RtkApiError extends Error {
  override name = 'RtkApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function rtkConfigured(env: Env) {
  return Boolean(env.ACCOUNT_ID && env.RTK_APP_ID && env.RTK_API_TOKEN && env.RTK_API_BASE);
}

async function rtkRequest<T>(env: Env, method: string, path: string, body?: unknown): Promise<T> {
  if (!rtkConfigured(env)) throw new RtkApiError('RealtimeKit is not configured on this deployment.', 0);
  const base = env.RTK_API_BASE.replace(/\/+$/, '');
  const url = `${base}/accounts/${encodeURIComponent(env.ACCOUNT_ID!)}/realtime/kit/${encodeURIComponent(env.RTK_APP_ID!)}${path}`;
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${env.RTK_API_TOKEN}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new RtkApiError(`RealtimeKit answered ${response.status} to ${method} ${path}.`, response.status);
  const envelope = (await response.json()) as { success?: boolean; data?: T };
  if (envelope?.success === false) throw new RtkApiError(`RealtimeKit refused ${method} ${path}.`, response.status);
  return envelope.data as T;
}

const s = (value: unknown) => (typeof value === 'string' && value ? value : null);
const n = (value: unknown) => {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
};

export async function getRecording(env: Env, recordingId: string): Promise<RtkRecordingDetails> {
  const data = await rtkRequest<Record<string, unknown>>(env, 'GET', `/recordings/${encodeURIComponent(recordingId)}`);
  const storage = (data?.storage_config ?? null) as Record<string, unknown> | null;
  const video = (data?.video_config ?? null) as Record<string, unknown> | null;
  return {
    id: s(data?.id) ?? recordingId,
    status: s(data?.status),
    downloadUrl: s(data?.download_url),
    downloadUrlExpiry: s(data?.download_url_expiry),
    durationSeconds: n(data?.recording_duration),
    fileSizeBytes: n(data?.file_size),
    codec: s(video?.codec),
    storageType: s(storage?.type),
  };
}

/** Asks RTK to summarise a session's transcript (POST /sessions/{id}/summary); the result arrives by webhook. */
export async function requestSummary(env: Env, rtkSessionId: string): Promise<{ status: string | null }> {
  const data = await rtkRequest<Record<string, unknown>>(
    env,
    'POST',
    `/sessions/${encodeURIComponent(rtkSessionId)}/summary`,
  );
  return { status: s(data?.status) };
}

/** Live sessions (GET /sessions?status=LIVE), for the polling cron. */
export async function listLiveSessions(env: Env): Promise<RtkLiveSession[]> {
  const data = await rtkRequest<{ sessions?: Record<string, unknown>[] }>(
    env,
    'GET',
    '/sessions?status=LIVE&per_page=100&page_no=1',
  );
  return (data?.sessions ?? [])
    .map((session) => ({
      id: s(session.id) ?? '',
      meetingId: s(session.associated_id) ?? '',
      liveParticipants: n(session.live_participants) ?? 0,
      startedAt: s(session.started_at),
    }))
    .filter((session) => session.id && session.meetingId);
}

/** The cheapest authenticated call, for the health probe (GET /meetings?per_page=1). */
export async function probeRtk(env: Env): Promise<void> {
  await rtkRequest<unknown>(env, 'GET', '/meetings?per_page=1&page_no=1');
}

export interface RtkSessionDetails {
  id: string;
  meetingId: string;
  status: 'LIVE' | 'ENDED' | string;
  startedAt: string | null;
  endedAt: string | null;
}

/** One session (GET /sessions/{id}); RTK keeps these indefinitely. */
export async function getSession(env: Env, rtkSessionId: string): Promise<RtkSessionDetails> {
  const data = await rtkRequest<Record<string, unknown>>(env, 'GET', `/sessions/${encodeURIComponent(rtkSessionId)}`);
  const session = ((data?.session as Record<string, unknown> | undefined) ?? data) as Record<string, unknown>;
  return {
    id: s(session?.id) ?? rtkSessionId,
    meetingId: s(session?.associated_id) ?? '',
    status: s(session?.status) ?? 'UNKNOWN',
    startedAt: s(session?.started_at),
    endedAt: s(session?.ended_at),
  };
}

export interface RtkWebhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
}

const toWebhook = (data: Record<string, unknown>): RtkWebhook => ({
  id: s(data?.id) ?? '',
  url: s(data?.url) ?? '',
  events: Array.isArray(data?.events) ? (data.events as unknown[]).map(String) : [],
  enabled: data?.enabled !== false,
});

export async function listWebhooks(env: Env): Promise<RtkWebhook[]> {
  const data = await rtkRequest<Record<string, unknown>[]>(env, 'GET', '/webhooks');
  return (Array.isArray(data) ? data : []).map(toWebhook);
}

export async function createWebhook(env: Env, input: { name: string; url: string; events: readonly string[] }) {
  return toWebhook(await rtkRequest(env, 'POST', '/webhooks', { ...input, enabled: true }));
}

export async function updateWebhook(env: Env, id: string, input: { events: readonly string[]; enabled: boolean }) {
  return toWebhook(await rtkRequest(env, 'PATCH', `/webhooks/${encodeURIComponent(id)}`, input));
}
