import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('RateLimiter', () => {
  it('admits exactly the limit when 50 requests race', async () => {
    const limiter = env.RATE_LIMITER.getByName('race');
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(5, 60)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
  });
});
