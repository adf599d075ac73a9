import { findSentrySettingsOfAllOrgs } from './queries';

/**
 * What the org settings (`PATCH /api/diagnostics/settings`) say about error reporting, for the whole deployment
 * (spec §3.2). `customerDsn` null means the deployment's `SENTRY_DSN_CUSTOMER`, if any, stays the customer's.
 */
export interface SentryPolicy {
  vendorEnabled: boolean;
  customerDsn: string | null;
}

/** How long an isolate trusts its copy of the settings before reading D1 again (other isolates' PATCHes). */
export const SENTRY_POLICY_TTL_MS = 60_000;

/** Until D1 has answered once, the vendor gets nothing: the org may have switched vendor reporting off. */
const UNREAD_POLICY: SentryPolicy = { vendorEnabled: false, customerDsn: null };

/**
 * One aggregate read over every org's settings. A deployment normally hosts one org; with several, the rule
 * that keeps each org's choice is applied: vendor reporting stays on only while no org switched it off, and an
 * org's own DSN is used only when every org names that same DSN (otherwise one org would receive another's errors).
 */
export async function readSentryPolicy(db: D1Database): Promise<SentryPolicy> {
  const row = await findSentrySettingsOfAllOrgs(db);
  // No org yet (a fresh deployment): nobody has objected to the vendor reporting the deployment app set up.
  if (!row?.orgs) return { vendorEnabled: true, customerDsn: null };
  const everyOrgNamesOneDsn = row.with_dsn === row.orgs && row.first_dsn === row.last_dsn;
  return { vendorEnabled: row.vendor_enabled === 1, customerDsn: everyOrgNamesOneDsn ? row.first_dsn : null };
}

/** The isolate's copy of the policy: D1 is read at most once per TTL, and concurrent callers share that read. */
export class SentryPolicyCache {
  private policy = UNREAD_POLICY;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<SentryPolicy> | null = null;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The policy, read from D1 first when this isolate's copy is older than the TTL. */
  async current(db: D1Database): Promise<SentryPolicy> {
    if (this.reading) return this.reading;
    if (this.now() - this.checkedAt < SENTRY_POLICY_TTL_MS) return this.policy;
    return this.reload(db);
  }

  /** Reads D1 now, e.g. right after this isolate changed the settings. */
  reload(db: D1Database): Promise<SentryPolicy> {
    this.checkedAt = this.now();
    const reading: Promise<SentryPolicy> = readSentryPolicy(db).then(
      (policy) => this.settle(reading, policy),
      // D1 unreachable: keep the last known policy; the next read comes after the TTL, not on every event.
      () => this.settle(reading, this.policy),
    );
    this.reading = reading;
    return reading;
  }

  private settle(reading: Promise<SentryPolicy>, policy: SentryPolicy): SentryPolicy {
    // A reload started meanwhile (a PATCH) read newer settings; this older answer must not overwrite them.
    if (this.reading !== reading) return policy;
    this.policy = policy;
    this.reading = null;
    return policy;
  }
}

/** The policy every Sentry send of this isolate follows. */
export const sentryPolicy = new SentryPolicyCache();
