// Types for TypeScript callers (tests) of fault-plan.mjs; the rule format is documented there.

export type FaultTarget = 'api' | 'worker' | 'webhook' | 'download' | 'mail';

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

type DescribedRule = FaultRule & { calls: number; applied: number };

export class FaultPlan {
  constructor(config?: { seed?: number; rules?: FaultRule[] });
  /** Replaces the main plan; named sets stay. */
  configure(config?: { seed?: number; rules?: FaultRule[] }): void;
  /** Replaces one named set; no rules removes it. */
  configureSet(name: string, config?: { seed?: number; rules?: FaultRule[] }): void;
  /** The plan with per-rule counters, as `GET /__local/faults` shows it. */
  describe(): {
    seed: number;
    rules: DescribedRule[];
    sets: Record<string, { seed: number; rules: DescribedRule[] }>;
  };
  decide(target: FaultTarget, method: string, path: string): FaultOutcome;
}

export function injectedAnswer(
  faults: FaultPlan,
  target: 'download' | 'mail',
  method: string,
  path: string,
  fail: (status: number, message: string) => Response,
): Promise<Response | null>;
