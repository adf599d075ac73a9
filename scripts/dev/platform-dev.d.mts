import type { ChildProcess } from 'node:child_process';

/** wrangler.platform.toml */
export const PLATFORM_CONFIG: string;
export function applyPlatformMigrations(persistTo?: string): void;
export function startPlatformDev(options: {
  port: number;
  /** Extra vars and secrets; a promise is awaited after the migrations ran. */
  vars?: Record<string, string> | Promise<Record<string, string>>;
  persistTo?: string;
  /** Skip the one-line banner (default false). */
  quiet?: boolean;
  /** More `wrangler dev` arguments, e.g. `--test-scheduled` (benchmarks fire crons). */
  extraArgs?: string[];
  /** Pass wrangler's output (request logs, the Worker's console) through once it serves; default `!quiet`. */
  workerLogs?: boolean;
  /** Stop it on SIGINT/SIGTERM (default true); pass false to call `stop()` yourself. */
  handleSignals?: boolean;
}): Promise<{
  url: string;
  child: ChildProcess;
  /** Stops wrangler and everything it started (workerd, esbuild); resolves once wrangler has exited. */
  stop: () => Promise<void>;
  /** Resolves with wrangler's exit code when it ends, for whatever reason. */
  exited: Promise<number | null>;
}>;
