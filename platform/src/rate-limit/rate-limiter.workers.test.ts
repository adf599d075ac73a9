import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('RateLimiter', () => {
  it('admits exactly the limit when 50 requests race', async () => {
    const limiter = env.RATE_LIMITER.getByName('race');
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.hit({ limit: 5, windowSeconds: 60 })));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('keeps a lockout across calls and doubles it when the limit is reached again', async () => {
    const rule = { limit: 2, windowSeconds: 60, backoff: { maxLockoutSeconds: 3600 } };
    const limiter = env.RATE_LIMITER.getByName('backoff');
    const start = Date.now();
    const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.hit(rule, start)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(2);
    expect(decisions.filter((d) => !d.allowed).map((d) => d.retryAfterSeconds)).toEqual(Array(8).fill(60));
    // After the first lockout: the window is free again, then the next lockout is twice as long.
    const later = start + 61_000;
    expect((await limiter.hit(rule, later)).allowed).toBe(true);
    expect((await limiter.hit(rule, later)).allowed).toBe(true);
    expect(await limiter.hit(rule, later)).toMatchObject({ allowed: false, retryAfterSeconds: 120 });
  });
});
