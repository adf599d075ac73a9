import { Hono } from 'hono';
import type { Env } from './env';

export { RateLimiter } from './rate-limit/rate-limiter-object';
export { RealtimeAgent } from './agents/realtime-agent-object';

const app = new Hono<{ Bindings: Env }>();
app.get('/api/health', (c) => c.json({ ok: true }));

export default app;
