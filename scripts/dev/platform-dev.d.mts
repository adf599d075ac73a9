import type { ChildProcess } from 'node:child_process';

export function applyPlatformMigrations(persistTo?: string): void;
export function startPlatformDev(options: {
  port: number;
  vars?: Record<string, string>;
  persistTo?: string;
  quiet?: boolean;
  /** More `wrangler dev` arguments, e.g. `--test-scheduled` (benchmarks fire crons). */
  extraArgs?: string[];
}): Promise<{ url: string; child: ChildProcess }>;
