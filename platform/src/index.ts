import * as Sentry from '@sentry/cloudflare';
import { createApp } from './app';
import type { Env } from './env';
import { sentryOptions } from './observability/sentry';
import { runScheduled } from './cron';

export { RateLimiter } from './rate-limit/rate-limiter-object';
export { RealtimeAgent } from './agents/realtime-agent-object';

const app = createApp();

// Named, so the declaration emit of `tsc -b` need not spell out Sentry's internal types.
const worker: ReturnType<typeof Sentry.withSentry<Env>> = Sentry.withSentry<Env>((env) => sentryOptions(env), {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  // Crons of wrangler.platform.toml: "*/5 * * * *" (webhook retries, polling, mail, health) and "0 3 * * *"
  // (retention cleanup, analytics rollups).
  scheduled: async (controller, env) => {
    await runScheduled(controller.cron, env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>);

export default worker;
