/** How a limit counts: a sliding window, optionally with exponential backoff once the window is used up. */
export interface LimitRule {
  /** Hits allowed in any `windowSeconds`. */
  limit: number;
  windowSeconds: number;
  /**
   * With backoff, an attempt that finds the window used up locks the subject out for
   * `windowSeconds × 2^(lockouts in a row − 1)`, at most `maxLockoutSeconds`; attempts during a lockout are
   * refused without extending it. The count of lockouts in a row starts again once `maxLockoutSeconds` have
   * passed after the last lockout ended.
   */
  backoff?: { maxLockoutSeconds: number };
}

export interface LimitState {
  /** When (ms) each counted hit of the current window happened, oldest first. */
  hits: number[];
  /** Lockouts in a row (backoff only). */
  lockouts: number;
  /** Until when (ms) the subject is locked out (backoff only); 0 when it never was. */
  lockedUntil: number;
}

export const EMPTY_LIMIT_STATE: LimitState = { hits: [], lockouts: 0, lockedUntil: 0 };

export interface LimitDecision {
  allowed: boolean;
  /** Hits left in the current window after this one. */
  remaining: number;
  /** Seconds until the caller may try again (0 when allowed). */
  retryAfterSeconds: number;
}

const SECOND_MS = 1000;

export type BackoffRule = LimitRule & { backoff: NonNullable<LimitRule['backoff']> };

/** The lockout after `lockouts` lockouts in a row (1 = the first): the window, doubled each time, capped. */
export function lockoutSeconds(rule: BackoffRule, lockouts: number): number {
  return Math.min(rule.windowSeconds * 2 ** (lockouts - 1), rule.backoff.maxLockoutSeconds);
}

/** One attempt under `rule` at `now`: whether it may go ahead, and the state to keep. Pure; callers serialise it. */
export function decideHit(
  rule: LimitRule,
  state: LimitState,
  now: number,
): { decision: LimitDecision; state: LimitState } {
  const windowMs = rule.windowSeconds * SECOND_MS;
  const hits = state.hits.filter((time) => time > now - windowMs);
  const refuse = (next: LimitState, waitMs: number) => ({
    decision: { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / SECOND_MS)) },
    state: next,
  });
  if (now < state.lockedUntil) return refuse({ ...state, hits }, state.lockedUntil - now);
  if (hits.length >= rule.limit) {
    const { backoff } = rule;
    if (!backoff) return refuse({ ...state, hits }, hits[0]! + windowMs - now);
    const forgotten = now - state.lockedUntil > backoff.maxLockoutSeconds * SECOND_MS;
    const lockouts = forgotten ? 1 : state.lockouts + 1;
    const lockedUntil = now + lockoutSeconds({ ...rule, backoff }, lockouts) * SECOND_MS;
    return refuse({ hits, lockouts, lockedUntil }, lockedUntil - now);
  }
  const next = { ...state, hits: [...hits, now] };
  return { decision: { allowed: true, remaining: rule.limit - next.hits.length, retryAfterSeconds: 0 }, state: next };
}

/** Gives back the latest hit (the attempt turned out legitimate); a lockout already imposed stays. */
export const releaseHit = (state: LimitState): LimitState => ({ ...state, hits: state.hits.slice(0, -1) });

/** When the state no longer matters (every hit out of the window, any lockout ended and forgotten). */
export function stateExpiresAt(rule: LimitRule, state: LimitState): number {
  const lastHit = state.hits.at(-1) ?? 0;
  const hitsExpire = lastHit + rule.windowSeconds * SECOND_MS;
  if (!rule.backoff || state.lockedUntil === 0) return hitsExpire;
  return Math.max(hitsExpire, state.lockedUntil + rule.backoff.maxLockoutSeconds * SECOND_MS);
}
