import type { ChildProcess } from 'node:child_process';

export function applyPlatformMigrations(persistTo?: string): void;
export function startPlatformDev(options: {
  port: number;
  vars?: Record<string, string>;
  persistTo?: string;
  quiet?: boolean;
}): Promise<{ url: string; child: ChildProcess }>;
