import { createRtkClient, type RtkClient, type RtkClientConfig } from '@castio/shared/rtk';

export interface RtkEnv {
  RTK_API_BASE: string;
  ACCOUNT_ID?: string;
  RTK_APP_ID?: string;
  RTK_API_TOKEN?: string;
}

/**
 * The deployment's RTK client, or null when its RealtimeKit app is not configured (a fresh self-deploy).
 * `options` tunes one caller's calls, e.g. a health probe that must see the first failure, not retry it away.
 */
export function rtkClientFromEnv(
  env: RtkEnv,
  options: Pick<RtkClientConfig, 'timeoutMs' | 'retries' | 'fetch'> = {},
): RtkClient | null {
  const { RTK_API_BASE: apiBase, ACCOUNT_ID: accountId, RTK_APP_ID: appId, RTK_API_TOKEN: apiToken } = env;
  if (!apiBase || !accountId || !appId || !apiToken) return null;
  return createRtkClient({ apiBase, accountId, appId, apiToken, ...options });
}
