// Fires deployed Workers' cron schedules on time (at the start of each matching UTC minute), like Cloudflare.
import { errorMessage } from '../error-message.ts';
import type { StateStore } from '../state/store.ts';
import { parseCron } from './cron.ts';
import { servingVersions, type WorkersRuntime } from './runtime.ts';

/** Returns a function that stops it. */
export function startCronTicker({
  store,
  runtime,
  log,
}: {
  store: StateStore;
  runtime: WorkersRuntime;
  log: (line: string) => void;
}): () => void {
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const now = new Date();
    now.setUTCSeconds(0, 0);
    for (const script of Object.values(store.data.scripts)) {
      if (!servingVersions(script).length) continue;
      for (const { cron } of script.schedules) {
        try {
          if (parseCron(cron)(now)) await runtime.scheduled(script.name, cron, now);
        } catch (error) {
          log(`cron ${cron} of ${script.name} failed: ${errorMessage(error)}`);
        }
      }
    }
  };
  const schedule = () => {
    timer = setTimeout(
      async () => {
        await tick();
        schedule();
      },
      60_000 - (Date.now() % 60_000) + 50,
    );
  };
  schedule();
  return () => clearTimeout(timer);
}
