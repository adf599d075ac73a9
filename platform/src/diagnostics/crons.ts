import * as Sentry from '@sentry/cloudflare';
import { pollActiveSessions } from '../analytics/polling';
import { rollupPending } from '../analytics/queries';
import type { Env } from '../env';
import { SCHEDULING_JOBS } from '../meetings/scheduling-cron';
import { queueMissedNotifications, sendQueuedNotifications } from '../notifications/service';
import { retryPendingEvents } from '../webhooks/ingest';
import { ensureWebhookRegistered } from '../webhooks/registration';
import { recordHealth, runProbes } from './health';
import { phoneHomeEnabled, sendPhoneHome } from './phone-home';
import { cleanupDiagnostics } from './retention';

export const EVERY_FIVE_MINUTES = '*/5 * * * *';
export const NIGHTLY = '0 3 * * *';

/** Runs one job; a failing job is reported and never stops the others. */
async function job<T>(name: string, work: () => Promise<T>): Promise<{ name: string; ok: boolean; result?: T }> {
  try {
    return { name, ok: true, result: await work() };
  } catch (error) {
    Sentry.captureException(error, { tags: { component: 'worker', route: `cron ${name}` } });
    console.error(JSON.stringify({ level: 'error', msg: 'cron job failed', job: name, name: (error as Error)?.name }));
    return { name, ok: false };
  }
}

/** Scheduled health probes: one probe run, one snapshot per org, phone-home where the org allows it (§3.7). */
export async function scheduledHealth(env: Env) {
  const probes = await runProbes(env);
  const { results: orgs } = await env.DB.prepare('SELECT id FROM organizations').all<{ id: string }>();
  let phoned = 0;
  for (const { id } of orgs) {
    const report = await recordHealth(env, id, 'scheduled', probes);
    if (await phoneHomeEnabled(env, id)) {
      await sendPhoneHome(env, id, report);
      phoned++;
    }
  }
  return { orgs: orgs.length, phoned };
}

export async function runScheduled(cron: string, env: Env, now = Date.now()) {
  if (cron === NIGHTLY) {
    return Promise.all([
      job('retention', () => cleanupDiagnostics(env.DB, now)),
      job('rollup', () => rollupPending(env.DB, now)),
    ]);
  }
  // Every 5 minutes (and any unknown schedule): the frequent jobs.
  const results = [];
  for (const [name, run] of Object.entries(SCHEDULING_JOBS)) results.push(await job(name, () => run(env, now)));
  results.push(await job('webhook-registration', () => ensureWebhookRegistered(env)));
  results.push(await job('webhook-retry', () => retryPendingEvents(env, { now })));
  results.push(await job('poll-sessions', () => pollActiveSessions(env)));
  results.push(
    await job('notifications', async () => ({
      queued: await queueMissedNotifications(env, now),
      ...(await sendQueuedNotifications(env)),
    })),
  );
  results.push(await job('health', () => scheduledHealth(env)));
  return results;
}
