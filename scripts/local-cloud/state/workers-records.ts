// Workers scripts as the state keeps them: versions (their files live in <state>/scripts/<script>/<version>),
// deployments, bindings as validated from an upload (cloudflare-api/workers-upload-form.ts), schedules, settings.

export interface ScriptRecord {
  name: string;
  tag: string;
  created_on: string;
  modified_on: string;
  migration_tag: string | null;
  /** Durable Object classes the migrations created. */
  do_classes: DurableObjectClasses;
  /** The latest 100, oldest first. */
  versions: WorkerVersion[];
  /** The last one serves. */
  deployments: Deployment[];
  subdomain: { enabled: boolean; previews_enabled: boolean };
  schedules: Schedule[];
  settings: ScriptSettings;
  /** Its workers.dev port, kept so its URL survives restarts. */
  port: number | null;
}

export type DurableObjectClasses = Record<string, { sqlite: boolean }>;

/** Stored as the upload or PATCH sent them. */
export interface ScriptSettings {
  logpush: unknown;
  observability: unknown;
  tags: unknown;
  tail_consumers: unknown;
}

export interface WorkerVersion {
  id: string;
  number: number;
  created_on: string;
  /** `api`, `api_version` or `secret`. */
  source: string;
  /** ES modules syntax; else `body_part` (service-worker syntax). */
  main_module: string | null;
  body_part: string | null;
  modules: { name: string; content_type: string; size: number }[];
  compatibility_date: string;
  compatibility_flags: string[];
  bindings: Binding[];
  annotations: Record<string, unknown>;
  migration_tag: string | null;
  handlers: string[];
  etag: string;
  assets: { config: AssetConfig; files: number } | null;
}

/** `metadata.assets.config` of the upload, passed to Miniflare as sent. */
export interface AssetConfig {
  html_handling?: 'auto-trailing-slash' | 'force-trailing-slash' | 'drop-trailing-slash' | 'none';
  not_found_handling?: 'single-page-application' | '404-page' | 'none';
  run_worker_first?: unknown;
}

export type Binding =
  | { type: 'plain_text' | 'secret_text'; name: string; text: string }
  | { type: 'json'; name: string; json: unknown }
  | { type: 'd1'; name: string; id: string }
  | { type: 'kv_namespace'; name: string; namespace_id: string }
  | { type: 'r2_bucket'; name: string; bucket_name: string; jurisdiction?: string }
  | { type: 'durable_object_namespace'; name: string; class_name: string; script_name?: string }
  | { type: 'service'; name: string; service: string; entrypoint?: string }
  | { type: 'ratelimit'; name: string; namespace_id: string; simple: { limit: number; period: 10 | 60 } }
  | { type: 'version_metadata' | 'assets'; name: string }
  | { type: 'send_email'; name: string; destination_address?: string }
  | { type: 'analytics_engine'; name: string; dataset: string };

export interface Deployment {
  id: string;
  created_on: string;
  source: string;
  strategy: 'percentage';
  versions: DeploymentVersion[];
  annotations: Record<string, unknown>;
  author_email: string;
}

export interface DeploymentVersion {
  version_id: string;
  percentage: number;
}

export interface Schedule {
  cron: string;
  created_on: string;
  modified_on: string;
}

export const latestVersion = (script: ScriptRecord): WorkerVersion | null => script.versions.at(-1) ?? null;
