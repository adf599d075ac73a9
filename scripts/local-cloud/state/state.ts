// The local cloud's state document (state.json): the account and what lives in it. Workers and RealtimeKit keep
// their records in ./workers-records.ts and ./rtk-records.ts.
import type { RtkState } from './rtk-records.ts';
import type { ScriptRecord } from './workers-records.ts';

export interface State {
  version: number;
  account: Account;
  tokens: ApiToken[];
  zones: Zone[];
  d1: D1DatabaseRecord[];
  kv: KvNamespaceRecord[];
  r2: R2BucketRecord[];
  /** The account's workers.dev subdomain; null when unregistered. */
  workersSubdomain: string | null;
  scripts: Record<string, ScriptRecord>;
  domains: CustomDomain[];
  /** Assets upload sessions and completion tokens, by jwt. */
  assetUploads: Record<string, AssetUpload>;
  /** Made on first start (download URL and participant token signing). */
  localSecrets?: { downloads: string; participantTokens: string };
  rtk: RtkState;
}

export interface Account {
  id: string;
  name: string;
  created_on: string;
}

export type TokenStatus = 'active' | 'disabled' | 'expired';

export interface ApiToken {
  id: string;
  value: string;
  name: string;
  kind: 'user' | 'account';
  status: TokenStatus;
  /** Canonical (`d1:write`), see cloudflare-api/permissions.ts. */
  permissions: string[];
  account_id: string;
  created_on: string;
  expires_on?: string;
  not_before?: string;
  /** The full-permission token the cloud starts with (it cannot be deleted). */
  primary?: boolean;
}

export interface Zone {
  id: string;
  name: string;
  status: string;
  created_on: string;
}

export interface D1Bookmark {
  bookmark: string;
  at: string;
  /** Of the dump, so an unchanged database reuses its last bookmark. */
  hash: string;
}

export interface D1DatabaseRecord {
  uuid: string;
  name: string;
  created_at: string;
  jurisdiction: string | null;
  primary_location_hint: string | null;
  bookmarks: D1Bookmark[];
}

export interface KvNamespaceRecord {
  id: string;
  title: string;
}

export interface R2BucketRecord {
  name: string;
  creation_date: string;
  location: string;
  storage_class: string;
  jurisdiction: string;
}

export interface CustomDomain {
  id: string;
  hostname: string;
  cert_id: string;
  /** The script it routes to. */
  service: string;
  environment: string;
  zone_id: string;
  zone_name: string;
}

/** An asset file of an upload, by its path (`/index.html`). */
export type AssetManifest = Record<string, { hash: string; size: number }>;

/** An upload session waits for the files not stored yet; its completion token goes into the Worker upload. */
export type AssetUpload =
  | { kind: 'upload'; script: string; manifest: AssetManifest; pending: string[]; created_on: string }
  | { kind: 'completion'; script: string; manifest: AssetManifest; created_on: string };
