// Types for TypeScript callers (tests) of fault-plan.mjs; the rule format is documented there.

export type FaultTarget = 'api' | 'worker' | 'webhook';

export interface FaultRule {
  target?: FaultTarget;
  method?: string;
  path: string;
  latencyMs?: number | { min: number; max: number } | { mean: number; stddev?: number };
  errorRate?: number;
  status?: number;
  code?: number;
  message?: string;
  timeoutRate?: number;
  failNth?: number[];
  times?: number;
}

export interface FaultOutcome {
  delayMs: number;
  fail: null | { status: number; code?: number; message?: string };
  timeout: boolean;
}

export function globToRegExp(pattern: string): RegExp;
export function validateRule(rule: unknown): FaultRule;

export class FaultPlan {
  constructor(config?: { seed?: number; rules?: FaultRule[] });
  configure(config?: { seed?: number; rules?: FaultRule[] }): void;
  /** The plan with per-rule counters, as `GET /__local/faults` shows it. */
  describe(): { seed: number; rules: (FaultRule & { calls: number; applied: number })[] };
  decide(target: FaultTarget, method: string, path: string): FaultOutcome;
}
