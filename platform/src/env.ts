import type { RateLimiter } from './rate-limit/rate-limiter-object';
import type { RealtimeAgent } from './agents/realtime-agent-object';

/** Bindings, vars and secrets of the platform Worker (wrangler.platform.toml). */
export interface Env {
  DB: D1Database;
  KV_SESSIONS: KVNamespace;
  KV_RATE_LIMITS: KVNamespace;
  KV_MEETING_STATE: KVNamespace;
  KV_CACHE: KVNamespace;
  R2_BRANDING: R2Bucket;
  R2_RECORDINGS: R2Bucket;
  R2_EXPORTS: R2Bucket;
  REALTIME_AGENT: DurableObjectNamespace<RealtimeAgent>;
  ASSETS: Fetcher;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;

  ENVIRONMENT?: string;
  RTK_API_BASE: string;
  ALLOW_ORG_SIGNUP?: string;
  PHONE_HOME_URL?: string;
  /** Base of RTK's webhook key (`<base>/.well-known/webhooks.json`); defaults to api.realtime.cloudflare.com. */
  RTK_WEBHOOK_KEYS_URL?: string;
  /** Extra origins (comma-separated) whose download URLs may be fetched, e.g. the local cloud's. */
  RTK_DOWNLOAD_ORIGINS?: string;
  /** Public URL of this deployment's web app, for links in mail. */
  APP_BASE_URL?: string;
  /** HTTP mail API (docs/architecture.md#mail): POST `{from,to,subject,text}`; unset = mail stays queued. */
  MAIL_API_URL?: string;
  MAIL_API_TOKEN?: string;
  MAIL_FROM?: string;

  JWT_SECRET: string;
  ACCOUNT_ID?: string;
  RTK_APP_ID?: string;
  RTK_API_TOKEN?: string;
  SENTRY_DSN_VENDOR?: string;
  SENTRY_DSN_CUSTOMER?: string;
  /** "false" switches vendor error reporting off for the whole deployment, whatever the org settings say. */
  SENTRY_VENDOR_ENABLED?: string;
  SENTRY_RELEASE?: string;
  DEPLOYMENT_ID?: string;
}
