import { describe, expect, it } from 'vitest';
import {
  type BackoffRule,
  decideHit,
  EMPTY_LIMIT_STATE,
  type LimitRule,
  type LimitState,
  lockoutSeconds,
  releaseHit,
  stateExpiresAt,
} from './limit-window';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** Runs attempts at the given times (ms after T0) and returns each decision, threading the state through. */
function run(rule: LimitRule, times: number[], state: LimitState = EMPTY_LIMIT_STATE) {
  const decisions = [];
  for (const time of times) {
    const result = decideHit(rule, state, T0 + time);
    decisions.push(result.decision);
    state = result.state;
  }
  return { decisions, state };
}

describe('sliding window', () => {
  const rule: LimitRule = { limit: 3, windowSeconds: 60 };

  it('admits the limit, then refuses until the oldest hit leaves the window', () => {
    const { decisions } = run(rule, [0, 10_000, 20_000, 30_000, 59_999, 60_001]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false, true]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0, 0]);
    expect(decisions[3]!.retryAfterSeconds).toBe(30);
    expect(decisions[4]!.retryAfterSeconds).toBe(1);
  });

  it('does not count refused attempts', () => {
    const { decisions } = run(rule, [0, 0, 0, 1_000, 2_000, 3_000, 60_001, 60_002, 60_003, 60_004]);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(6);
  });

  it('gives a released hit back', () => {
    const { state } = run(rule, [0, 1_000, 2_000]);
    expect(decideHit(rule, releaseHit(state), T0 + 3_000).decision.allowed).toBe(true);
  });
});

describe('exponential backoff', () => {
  const rule: BackoffRule = { limit: 2, windowSeconds: 60, backoff: { maxLockoutSeconds: 600 } };

  it('doubles the lockout from the window up to the cap', () => {
    expect([1, 2, 3, 4, 5, 10, 60].map((lockouts) => lockoutSeconds(rule, lockouts))).toEqual([
      60, 120, 240, 480, 600, 600, 600,
    ]);
  });

  it('locks out for the window, then twice as long each time the limit is reached again', () => {
    let state = EMPTY_LIMIT_STATE;
    let now = 0;
    const waits: number[] = [];
    for (let round = 0; round < 6; round++) {
      // Two attempts pass, the third finds the window used up and starts a lockout.
      const result = run(rule, [now, now, now], state);
      expect(result.decisions.map((d) => d.allowed)).toEqual([true, true, false]);
      const wait = result.decisions[2]!.retryAfterSeconds;
      waits.push(wait);
      // Attempts during the lockout are refused and do not extend it.
      const during = run(rule, [now + wait * 500], result.state);
      expect(during.decisions[0]).toMatchObject({ allowed: false, retryAfterSeconds: wait / 2 });
      state = during.state;
      now += wait * 1000;
    }
    expect(waits).toEqual([60, 120, 240, 480, 600, 600]);
  });

  it('forgets lockouts once the cap has passed after the last one ended', () => {
    const first = run(rule, [0, 0, 0, 60_000, 60_000, 60_000]);
    expect(first.decisions[5]!.retryAfterSeconds).toBe(120);
    const lockoutEnd = 60_000 + 120_000;
    const soon = run(rule, [lockoutEnd + 599_000, lockoutEnd + 599_000, lockoutEnd + 599_000], first.state);
    expect(soon.decisions[2]!.retryAfterSeconds).toBe(240);
    const late = run(rule, [lockoutEnd + 601_000, lockoutEnd + 601_000, lockoutEnd + 601_000], first.state);
    expect(late.decisions[2]!.retryAfterSeconds).toBe(60);
  });

  it('keeps a lockout when a hit is released', () => {
    const { state } = run(rule, [0, 0, 0]);
    expect(decideHit(rule, releaseHit(state), T0 + 1_000).decision.allowed).toBe(false);
  });
});

describe('stateExpiresAt', () => {
  it('is the end of the last hit’s window, or the time a lockout is forgotten', () => {
    const plain: LimitRule = { limit: 5, windowSeconds: 60 };
    expect(stateExpiresAt(plain, run(plain, [0, 5_000]).state)).toBe(T0 + 5_000 + MINUTE);
    const backoff: BackoffRule = { limit: 1, windowSeconds: 60, backoff: { maxLockoutSeconds: 600 } };
    const locked = run(backoff, [0, 1_000]).state;
    expect(stateExpiresAt(backoff, locked)).toBe(T0 + 1_000 + 60_000 + 600_000);
  });
});
