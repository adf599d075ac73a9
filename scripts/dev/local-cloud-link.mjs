// How the platform reaches a local cloud: the RealtimeKit app its RTK client calls, where the webhook signing
// key and downloads come from, and the mail sink. Only settings change; the platform has no emulator branches.
import { readFileSync } from 'node:fs';

/**
 * @typedef {object} LocalCloudLink
 * @property {string} url the cloud's origin, http://127.0.0.1:<port>
 * @property {string} apiBase Cloudflare API v4 base, which RealtimeKit lives under
 * @property {string} accountId
 * @property {string} appId the RealtimeKit app
 * @property {string} token full-permission API token
 * @property {string} mailApiUrl the mail sink
 */

/** @returns {LocalCloudLink} for a cloud started in this process (`startLocalCloud`). */
export function linkToStartedCloud(cloud) {
  const { apiBase, accountId, appId, token } = cloud.rtk;
  return { url: cloud.url, apiBase, accountId, appId, token, mailApiUrl: `${cloud.url}/__local/mail` };
}

/**
 * The local cloud another terminal runs (`npm run local-cloud`): found through its credentials file, and only
 * if it answers there. What it answers wins over the file, which may be left over from an earlier run.
 * @returns {Promise<LocalCloudLink | null>}
 */
export async function findRunningLocalCloud(credentialsFile) {
  try {
    const url = new URL(JSON.parse(readFileSync(credentialsFile, 'utf8')).apiBase).origin;
    const response = await fetch(`${url}/__local/credentials`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return null;
    const live = await response.json();
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
 * @param {LocalCloudLink} link
 * @param {string} platformUrl
 */
export function platformVarsFor(link, platformUrl) {
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
