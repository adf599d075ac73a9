// Per-route latency and fault injection, deterministic for a given seed.
//
// A rule: {
//   target?: 'api' | 'worker' | 'webhook' | 'download' | 'mail'
//                                              (default 'api': Cloudflare + RTK REST routes)
//   method?: 'POST',                           (default any)
//   path: '/client/v4/accounts/*/d1/database', ('*' = one path segment, '**' = anything; for 'worker'
//                                               the script name; for 'webhook' the receiver URL; for
//                                               'download' the /__downloads/… path; for 'mail' the recipient)
//   latencyMs?: number | { min, max } | { mean, stddev },
//   errorRate?: 0..1, status?: 500, code?: number, message?: string,
//   timeoutRate?: 0..1,                        (the call hangs until the client gives up; the socket is then cut)
//   failNth?: number[],                        (1-based indexes of matching calls that fail with `status`)
//   times?: number                             (stop applying after this many faults)
// }
// Rules live in the main plan (replaced as a whole) or in named sets, so several test files sharing one local
// cloud can each change their own rules without wiping the others'.
import { CfApiError } from '../http/cf-envelope.ts';
import { hashSeed, mulberry32 } from './seeded-random.ts';

export type FaultTarget = 'api' | 'worker' | 'webhook' | 'download' | 'mail';

export interface FaultRule {
  target?: FaultTarget;
  method?: string;
  path: string;
  latencyMs?: Latency;
  errorRate?: number;
  status?: number;
  code?: number;
  message?: string;
  timeoutRate?: number;
  failNth?: number[];
  times?: number;
}

export type Latency = number | { min: number; max: number } | { mean: number; stddev?: number };

export interface FaultConfig {
  seed?: number;
  rules?: FaultRule[];
}

/** What happens to one call. */
export interface FaultOutcome {
  delayMs: number;
  fail: null | { status: number; code?: number; message?: string };
  timeout: boolean;
}

/** A rule with how often it matched (`calls`) and how often it faulted (`applied`). */
export type DescribedRule = FaultRule & { calls: number; applied: number };

interface CompiledRule {
  rule: FaultRule & { target: FaultTarget };
  regex: RegExp;
  random: () => number;
  calls: number;
  applied: number;
}

interface CompiledSet {
  seed: number;
  rules: CompiledRule[];
}

const escapeRegex = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('**')
    .map((part) => part.split('*').map(escapeRegex).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}/?$`);
}

const VALID_TARGETS: readonly string[] = ['api', 'worker', 'webhook', 'download', 'mail'] satisfies FaultTarget[];

/** Checks a rule from a fault plan (JSON); a 400 names what is wrong. */
export function validateRule(input: unknown): FaultRule {
  const bad = (message: string) => new CfApiError(400, 1001, `Invalid fault rule: ${message}`);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('must be an object');
  const rule: Record<string, unknown> = { ...input };
  if (typeof rule.path !== 'string' || !rule.path) throw bad('`path` is required');
  if (rule.target !== undefined && !VALID_TARGETS.includes(rule.target as string))
    throw bad(`target must be one of ${VALID_TARGETS.join(', ')}`);
  for (const key of ['errorRate', 'timeoutRate']) {
    const rate = rule[key];
    if (rate !== undefined && !(typeof rate === 'number' && rate >= 0 && rate <= 1))
      throw bad(`${key} must be within [0, 1]`);
  }
  const { failNth, status, latencyMs: l } = rule;
  if (failNth !== undefined && !(Array.isArray(failNth) && failNth.every((n) => Number.isInteger(n) && n > 0)))
    throw bad('failNth must be positive integers');
  if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599))
    throw bad('status must be 400–599');
  if (
    l !== undefined &&
    !(typeof l === 'number' && l >= 0) &&
    !(typeof l === 'object' && l !== null && (('min' in l && 'max' in l) || 'mean' in l))
  )
    throw bad('latencyMs must be a number, {min,max} or {mean,stddev}');
  return input as FaultRule;
}

function compile({ seed = 1, rules = [] }: FaultConfig): CompiledSet {
  rules.forEach(validateRule);
  return {
    seed,
    rules: rules.map((rule, index) => ({
      rule: { target: 'api', ...rule },
      regex: globToRegExp(rule.path),
      random: mulberry32(hashSeed(`${seed}:${index}:${rule.path}`)),
      calls: 0,
      applied: 0,
    })),
  };
}

const describeRules = (compiled: CompiledSet): DescribedRule[] =>
  compiled.rules.map((r) => ({ ...r.rule, calls: r.calls, applied: r.applied }));

export class FaultPlan {
  /** Named sets, beside the main plan. */
  readonly sets = new Map<string, CompiledSet>();
  seed = 1;
  rules: CompiledRule[] = [];
  /** Recent faults (the last 1,000). */
  log: (FaultOutcome & { at: string; target: FaultTarget; method: string; path: string })[] = [];

  constructor(config: FaultConfig = {}) {
    this.configure(config);
  }

  /** Replaces the main plan; counters and random streams restart from the seed. Named sets stay. */
  configure(config: FaultConfig = {}): void {
    const compiled = compile(config);
    this.seed = compiled.seed;
    this.rules = compiled.rules;
  }

  /** Replaces one named set (its counters and random streams restart); an empty rule list removes it. */
  configureSet(name: string, config: FaultConfig = {}): void {
    const compiled = compile(config);
    if (compiled.rules.length) this.sets.set(name, compiled);
    else this.sets.delete(name);
  }

  /** The plan with per-rule counters, as `GET /__local/faults` shows it. */
  describe(): { seed: number; rules: DescribedRule[]; sets: Record<string, { seed: number; rules: DescribedRule[] }> } {
    return {
      seed: this.seed,
      rules: describeRules(this),
      sets: Object.fromEntries(
        [...this.sets].map(([name, set]) => [name, { seed: set.seed, rules: describeRules(set) }]),
      ),
    };
  }

  /** Decides what happens to one call. */
  decide(target: FaultTarget, method: string, path: string): FaultOutcome {
    const outcome: FaultOutcome = { delayMs: 0, fail: null, timeout: false };
    for (const entry of [this.rules, ...[...this.sets.values()].map((set) => set.rules)].flat()) {
      const { rule } = entry;
      if (rule.target !== target) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!entry.regex.test(path)) continue;
      entry.calls++;
      outcome.delayMs += sampleLatency(rule.latencyMs, entry.random);
      const exhausted = rule.times !== undefined && entry.applied >= rule.times;
      if (exhausted || outcome.fail || outcome.timeout) continue;
      const roll = entry.random();
      if (rule.failNth?.includes(entry.calls) || (rule.errorRate !== undefined && roll < rule.errorRate)) {
        outcome.fail = { status: rule.status ?? 500, code: rule.code, message: rule.message };
        entry.applied++;
      } else if (rule.timeoutRate !== undefined && entry.random() < rule.timeoutRate) {
        outcome.timeout = true;
        entry.applied++;
      }
    }
    if (outcome.fail || outcome.timeout || outcome.delayMs) {
      this.log.push({ at: new Date().toISOString(), target, method, path, ...outcome });
      if (this.log.length > 1000) this.log.shift();
    }
    return outcome;
  }
}

/**
 * For routes outside the API (downloads, the mail sink): waits out the injected latency, then answers the
 * injected failure through `fail(status, message)`, hangs on a timeout, or returns null to serve the call.
 */
export async function injectedAnswer(
  faults: FaultPlan,
  target: 'download' | 'mail',
  method: string,
  path: string,
  fail: (status: number, message: string) => Response,
): Promise<Response | null> {
  const fault = faults.decide(target, method, path);
  if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault.timeout) return new Promise(() => {}); // the caller's timeout (or socket close) ends it
  if (fault.fail) return fail(fault.fail.status, fault.fail.message ?? 'Injected fault (local cloud)');
  return null;
}

function sampleLatency(spec: Latency | undefined, random: () => number): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  if ('min' in spec) return spec.min + random() * (spec.max - spec.min);
  // Box–Muller normal, clipped at zero.
  const u = Math.max(random(), 1e-12);
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(0, spec.mean + z * (spec.stddev ?? 0));
}
