import type { Env } from '../env';
import { retryLater } from '../http/errors';
import { addressBucket } from './address-bucket';
import type { LimitRule } from './limit-window';

interface RateLimitRule extends LimitRule {
  /** What the caller is told with the 429. */
  message: string;
}

/** Abuse limits of spec §6.8, counted by the RateLimiter Durable Object (strongly consistent). */
export const RATE_LIMITS = {
  /** Sign-in (auth/sign-in-limits.ts, README "Security"): failed attempts only, a success gives its hits back. */
  loginPerAddress: {
    limit: 20,
    windowSeconds: 60,
    message: 'Too many failed sign-ins from your network. Wait a minute and try again.',
  },
  /** The strict one: one account from one network. Lockouts of 1, 2, 4… minutes, at most an hour. */
  loginPerAccountPerAddress: {
    limit: 5,
    windowSeconds: 60,
    backoff: { maxLockoutSeconds: 3600 },
    message:
      'Too many failed sign-ins for this account from your network. Try again later: the wait doubles each time this happens again.',
  },
  /** One account from every network it has not signed in from before, together. Lockouts of 1, 2, 4… hours, at most a day. */
  loginPerAccountFromNewNetworks: {
    limit: 30,
    windowSeconds: 3600,
    backoff: { maxLockoutSeconds: 86_400 },
    message:
      'Too many failed sign-ins for this account from networks it has not signed in from before. Sign in from a network you have used before, or try again later.',
  },
  registerPerAddress: {
    limit: 3,
    windowSeconds: 3600,
    message: 'Too many sign-ups from your network. Try again in an hour.',
  },
  refreshPerFamily: {
    limit: 30,
    windowSeconds: 60,
    message: 'Too many session refreshes. Wait a minute and try again.',
  },
  meetingCreatePerOrg: {
    limit: 10,
    windowSeconds: 60,
    message: 'Your organisation created many meetings in the last minute. Wait a minute and try again.',
  },
  /** The limit is the org's `rateLimitJoinsPerMinute` setting; this is the fallback. */
  joinPerMeeting: {
    limit: 60,
    windowSeconds: 60,
    message: 'Many people are joining this meeting right now. Wait a few seconds and try again.',
  },
  guestJoinPerMeeting: {
    limit: 20,
    windowSeconds: 60,
    message: 'Many guests are joining this meeting right now. Wait a minute and try again.',
  },
  guestJoinPerAddressPerMeeting: {
    limit: 3,
    windowSeconds: 300,
    message: 'Too many guest joins from your network for this meeting. Wait five minutes and try again.',
  },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof RATE_LIMITS;

/** The counting part of a named limit, as the RateLimiter object takes it. */
function ruleOf(name: RateLimitName, limit: number = RATE_LIMITS[name].limit): LimitRule {
  const rule: RateLimitRule = RATE_LIMITS[name];
  return { limit, windowSeconds: rule.windowSeconds, ...(rule.backoff ? { backoff: rule.backoff } : {}) };
}

const limiterOf = (env: Env, name: RateLimitName, subject: string) => env.RATE_LIMITER.getByName(`${name}:${subject}`);

/** Counts one hit for `subject` under the named limit; throws a 429 with Retry-After when it is used up. */
export async function enforceRateLimit(env: Env, name: RateLimitName, subject: string, limit?: number): Promise<void> {
  const decision = await limiterOf(env, name, subject).hit(ruleOf(name, limit));
  if (!decision.allowed) throw retryLater('rate_limited', RATE_LIMITS[name].message, decision.retryAfterSeconds);
}

/** Returns a hit taken with enforceRateLimit (used when the attempt turned out legitimate). */
export async function releaseRateLimit(env: Env, name: RateLimitName, subject: string): Promise<void> {
  await limiterOf(env, name, subject).release(ruleOf(name));
}

/**
 * The caller's address bucket (IPv4 address, IPv6 /64; address-bucket.ts), from the address Cloudflare reports.
 * Every per-address limit is keyed by this, never by the raw header.
 */
export const clientAddressBucket = (headers: Headers) => addressBucket(headers.get('cf-connecting-ip'));
