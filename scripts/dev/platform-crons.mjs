// wrangler dev never fires cron triggers, so the dev commands that wire the platform to a local cloud do:
// every schedule of wrangler.platform.toml once at start, then on time (UTC, like Cloudflare). The start run
// is what registers the platform's RTK webhook (its 5-minute job does that; all its jobs are idempotent).
import { readFileSync } from 'node:fs';
import { parseCron } from '@castio/local-cloud/cron';
import { PLATFORM_CONFIG } from './platform-dev.ts';

/** `wrangler dev` must get these for the platform to accept fired crons (the /__scheduled route). */
export const CRON_DEV_ARGS = ['--test-scheduled'];

export function platformCronSchedules(configFile = PLATFORM_CONFIG) {
  const crons = readFileSync(configFile, 'utf8').match(/^crons\s*=\s*\[([^\]]*)\]/m)?.[1] ?? '';
  return [...crons.matchAll(/"([^"]+)"/g)].map((match) => match[1]);
}

async function fire(platformUrl, cron) {
  const response = await fetch(`${platformUrl}/__scheduled?cron=${encodeURIComponent(cron)}`);
  if (!response.ok) throw new Error(`the platform's "${cron}" cron failed with HTTP ${response.status}`);
}

/** Fires every schedule now (resolves when they ran), then each one on time until `stop()`. */
export async function startPlatformCrons(
  platformUrl,
  { schedules = platformCronSchedules(), log = console.error } = {},
) {
  const fireLogged = (cron) => fire(platformUrl, cron).catch((error) => log(`Cron: ${error.message}`));
  for (const cron of schedules) await fireLogged(cron);
  const due = schedules.map((cron) => ({ cron, matches: parseCron(cron) }));
  let timer;
  let stopped = false;
  const tickAtNextMinute = () => {
    // 50 ms past the minute, so a slightly early timer never reads the minute before.
    timer = setTimeout(
      async () => {
        const minute = new Date();
        minute.setUTCSeconds(0, 0);
        for (const { cron, matches } of due) if (matches(minute)) await fireLogged(cron);
        if (!stopped) tickAtNextMinute();
      },
      60_050 - (Date.now() % 60_000),
    );
  };
  tickAtNextMinute();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
