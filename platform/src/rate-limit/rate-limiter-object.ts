import { DurableObject } from 'cloudflare:workers';
import {
  decideHit,
  EMPTY_LIMIT_STATE,
  type LimitDecision,
  type LimitRule,
  type LimitState,
  releaseHit,
  stateExpiresAt,
} from './limit-window';

export type { LimitDecision } from './limit-window';

const STATE_KEY = 'state';

/**
 * A strongly consistent limit counter, one object per limited subject (e.g. `loginPerAddress:1.2.3.4`); the
 * counting itself is limit-window.ts. A Durable Object runs one request at a time, and each read-decide-write
 * here is synchronous (the SQLite-backed synchronous KV API, no await in between), so concurrent callers cannot
 * both take the last slot, which a KV read-modify-write cannot guarantee (docs/architecture.md#rate-limits-and-caps).
 */
export class RateLimiter extends DurableObject {
  /** Records one hit if the rule allows it; `now` is injectable for tests. */
  async hit(rule: LimitRule, now = Date.now()): Promise<LimitDecision> {
    const before = this.load();
    const { decision, state } = decideHit(rule, before, now);
    // A refusal changes nothing worth a write unless it started a lockout.
    if (decision.allowed || state.lockedUntil !== before.lockedUntil) await this.store(rule, state);
    return decision;
  }

  /** Gives back one hit, e.g. after a successful login, so only failures count towards the limit. */
  async release(rule: LimitRule): Promise<void> {
    await this.store(rule, releaseHit(this.load()));
  }

  /** Frees storage once the state no longer matters (every write moves the alarm on). */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  private load(): LimitState {
    return this.ctx.storage.kv.get<LimitState>(STATE_KEY) ?? EMPTY_LIMIT_STATE;
  }

  /** Writes synchronously; the alarm is set in the same turn, so alarms are set in the order of the writes. */
  private store(rule: LimitRule, state: LimitState): Promise<void> {
    this.ctx.storage.kv.put(STATE_KEY, state);
    return this.ctx.storage.setAlarm(stateExpiresAt(rule, state));
  }
}
