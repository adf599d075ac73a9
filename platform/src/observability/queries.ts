/** Every org's error-reporting settings in one aggregate row (sentry-policy.ts applies the rule). */
export interface SentrySettingsRow {
  orgs: number;
  /** 1 only while no org switched vendor reporting off (null without orgs). */
  vendor_enabled: number | null;
  with_dsn: number;
  first_dsn: string | null;
  last_dsn: string | null;
}

/** Reads org_settings across orgs on purpose: the Worker has one Sentry client for the whole deployment. */
export const findSentrySettingsOfAllOrgs = (db: D1Database) =>
  db
    .prepare(
      `SELECT COUNT(*) AS orgs, MIN(sentry_vendor_enabled) AS vendor_enabled, COUNT(sentry_customer_dsn) AS with_dsn,
              MIN(sentry_customer_dsn) AS first_dsn, MAX(sentry_customer_dsn) AS last_dsn
         FROM org_settings`,
    )
    .first<SentrySettingsRow>();
