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

export function linkToStartedCloud(cloud: {
  url: string;
  rtk: { apiBase: string; accountId: string; appId: string; token: string };
}): LocalCloudLink;
export function findRunningLocalCloud(credentialsFile: string): Promise<LocalCloudLink | null>;
export function platformVarsFor(link: LocalCloudLink, platformUrl: string): Record<string, string>;
