import * as Sentry from '@sentry/cloudflare';
import { pollActiveSessions } from '../analytics/polling';
import { rollupPending } from '../analytics/queries';
import { cleanupDiagnostics } from '../diagnostics/retention';
import { scheduledHealth } from '../diagnostics/scheduled-health';
import type { Env } from '../env';
import { SCHEDULING_JOBS } from '../meetings/scheduling-cron';
import { queueMissedNotifications, sendQueuedNotifications } from '../notifications/service';
import { retryPendingEvents } from '../webhooks/ingest';
import { ensureWebhookRegistered } from '../webhooks/registration';

/** The crons of wrangler.platform.toml. */
export const EVERY_FIVE_MINUTES = '*/5 * * * *';
export const NIGHTLY = '0 3 * * *';

type Job = (env: Env, now: number) => Promise<unknown>;

interface Schedule {
  /** `sequence`: one after the other, in the table's order (a job may finish what an earlier one started). */
  run: 'sequence' | 'parallel';
  jobs: Record<string, Job>;
}

/** What each cron runs. The Worker's scheduler: every domain's periodic work is listed here, and only here. */
const SCHEDULES: Record<typeof EVERY_FIVE_MINUTES | typeof NIGHTLY, Schedule> = {
  [EVERY_FIVE_MINUTES]: {
    run: 'sequence',
    jobs: {
      ...SCHEDULING_JOBS,
      'webhook-registration': (env) => ensureWebhookRegistered(env),
      'webhook-retry': (env, now) => retryPendingEvents(env, { now }),
      'poll-sessions': (env) => pollActiveSessions(env),
      notifications: async (env, now) => ({
        queued: await queueMissedNotifications(env, now),
        ...(await sendQueuedNotifications(env)),
      }),
      health: (env) => scheduledHealth(env),
    },
  },
  [NIGHTLY]: {
    run: 'parallel',
    jobs: {
      retention: (env, now) => cleanupDiagnostics(env.DB, now),
      rollup: (env, now) => rollupPending(env.DB, now),
    },
  },
};

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

/** The Worker's `scheduled` entry: the cron's jobs (an unknown schedule runs the frequent ones). */
export async function runScheduled(cron: string, env: Env, now = Date.now()) {
  const { run, jobs } = SCHEDULES[cron as keyof typeof SCHEDULES] ?? SCHEDULES[EVERY_FIVE_MINUTES];
  const entries = Object.entries(jobs);
  if (run === 'parallel') return Promise.all(entries.map(([name, work]) => job(name, () => work(env, now))));
  const results = [];
  for (const [name, work] of entries) results.push(await job(name, () => work(env, now)));
  return results;
}
