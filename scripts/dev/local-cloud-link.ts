// How the platform reaches a local cloud: the RealtimeKit app its RTK client calls, where the webhook signing
// key and downloads come from, and the mail sink. Only settings change; the platform has no emulator branches.
import { readFileSync } from 'node:fs';
import type { LocalCloudCredentials, LocalCloudRealtimeKit } from '@castio/local-cloud';

export interface LocalCloudLink {
  /** The cloud's origin, http://127.0.0.1:<port>. */
  url: string;
  /** Cloudflare API v4 base, which RealtimeKit lives under. */
  apiBase: string;
  accountId: string;
  /** The RealtimeKit app. */
  appId: string;
  /** Full-permission API token. */
  token: string;
  /** The mail sink. */
  mailApiUrl: string;
}

/** For a cloud started in this process (`startLocalCloud`), or in a child process it reported from. */
export function linkToStartedCloud(cloud: {
  url: string;
  rtk: Pick<LocalCloudRealtimeKit, 'apiBase' | 'accountId' | 'appId' | 'token'>;
}): LocalCloudLink {
  const { apiBase, accountId, appId, token } = cloud.rtk;
  return { url: cloud.url, apiBase, accountId, appId, token, mailApiUrl: `${cloud.url}/__local/mail` };
}

/**
 * The local cloud another terminal runs (`npm run local-cloud`): found through its credentials file, and only
 * if it answers there. What it answers wins over the file, which may be left over from an earlier run.
 */
export async function findRunningLocalCloud(credentialsFile: string): Promise<LocalCloudLink | null> {
  try {
    const url = new URL(JSON.parse(readFileSync(credentialsFile, 'utf8')).apiBase).origin;
    const response = await fetch(`${url}/__local/credentials`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return null;
    const live = (await response.json()) as LocalCloudCredentials;
    if (!live.rtkAppId) return null;
    return {
      url,
      apiBase: live.apiBase,
      accountId: live.accountId,
      appId: live.rtkAppId,
      token: live.token,
      mailApiUrl: live.mailApiUrl,
    };
  } catch {
    return null; // no file, unreadable file, or nothing listening: no local cloud
  }
}

/**
 * The platform's vars and secrets for talking to `link` (see wrangler.platform.toml). APP_BASE_URL is what
 * the platform registers as its RTK webhook receiver and puts into mail links.
 */
export function platformVarsFor(link: LocalCloudLink, platformUrl: string): Record<string, string> {
  return {
    RTK_API_BASE: link.apiBase,
    RTK_WEBHOOK_KEYS_URL: link.url,
    RTK_DOWNLOAD_ORIGINS: link.url,
    MAIL_API_URL: link.mailApiUrl,
    APP_BASE_URL: platformUrl,
    ACCOUNT_ID: link.accountId,
    RTK_APP_ID: link.appId,
    RTK_API_TOKEN: link.token,
  };
}
