import * as Sentry from '@sentry/cloudflare';
import { createApp } from './app';
import type { Env } from './env';
import { sentryOptions } from './observability/sentry';

export { RateLimiter } from './rate-limit/rate-limiter-object';
export { RealtimeAgent } from './agents/realtime-agent-object';

const app = createApp();

export default Sentry.withSentry<Env>((env) => sentryOptions(env), {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>);
