// Types for TypeScript callers (tests, dev scripts) of the local cloud's JavaScript entry point.

export const REPO_ROOT: string;
export const DEFAULT_STATE_DIR: string;
export const DEFAULT_CREDENTIALS_FILE: string;
export const DEFAULT_PORT: number;

import type { FaultRule } from './faults/fault-plan.ts';

export type { FaultRule };

export interface LocalCloudOptions {
  port?: number;
  host?: string;
  stateDir?: string;
  reset?: boolean;
  faults?: { seed?: number; rules?: FaultRule[] };
  credentialsFile?: string | false;
  verbose?: boolean;
  autoCrons?: boolean;
  webhookRetry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; timeoutMs?: number };
}

export interface LocalCloudRealtimeKit {
  apiBase: string;
  accountId: string;
  appId: string;
  token: string;
  webhookKeysBase: string;
  webhookKeysUrl: string;
  downloadOrigin: string;
}

export interface LocalCloud {
  url: string;
  apiBase: string;
  readonly accountId: string;
  readonly token: string;
  readonly rtk: LocalCloudRealtimeKit;
  workersDevUrlTemplate: string;
  stateDir: string;
  credentialsFile: string | null;
  stop(): Promise<void>;
}

export function startLocalCloud(options?: LocalCloudOptions): Promise<LocalCloud>;
