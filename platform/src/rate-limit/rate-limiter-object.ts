import { DurableObject } from 'cloudflare:workers';

export interface LimitDecision {
  allowed: boolean;
  /** Requests left in the current window after this one. */
  remaining: number;
  /** Seconds until the caller may try again (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * A strongly consistent sliding-window counter, one object per limited subject (e.g. `login:ip:1.2.3.4`).
 * A Durable Object processes one request at a time, so concurrent callers cannot both take the last slot,
 * which a KV read-modify-write cannot guarantee (ARCHITECTURE item 7).
 */
export class RateLimiter extends DurableObject {
  /** Records one hit if the window has room; `now` is injectable for tests. */
  async hit(limit: number, windowSeconds: number, now = Date.now()): Promise<LimitDecision> {
    const windowMs = windowSeconds * 1000;
    const stored = (await this.ctx.storage.get<number[]>('hits')) ?? [];
    const recent = stored.filter((time) => time > now - windowMs);
    if (recent.length >= limit) {
      const oldest = recent[0] ?? now;
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
      return { allowed: false, remaining: 0, retryAfterSeconds };
    }
    recent.push(now);
    await this.ctx.storage.put('hits', recent);
    await this.ctx.storage.setAlarm(now + windowMs);
    return { allowed: true, remaining: limit - recent.length, retryAfterSeconds: 0 };
  }

  /** Gives back one hit, e.g. after a successful login, so only failures count towards the limit. */
  async release(): Promise<void> {
    const stored = (await this.ctx.storage.get<number[]>('hits')) ?? [];
    stored.pop();
    await this.ctx.storage.put('hits', stored);
  }

  /** Frees storage once the window has passed with no new hits. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
