import type { CloudflareOptions } from '@sentry/cloudflare';
import {
  createTransport,
  getEnvelopeEndpointWithUrlEncodedAuth,
  makeDsn,
  type BaseTransportOptions,
  type Transport,
} from '@sentry/core';
import type { Env } from '../env';
import { redactPii } from './redact-pii';
import { type SentryPolicy, sentryPolicy } from './sentry-policy';

/**
 * The SDK builds a transport only for a client with a DSN. When only the org settings can name a destination,
 * this stand-in gives it one; the fan-out transport never posts to it.
 */
const SETTINGS_ONLY_DSN = 'https://castio@org-settings.invalid/0';

function endpointOf(dsn: string): string | null {
  const parsed = makeDsn(dsn);
  return parsed ? getEnvelopeEndpointWithUrlEncodedAuth(parsed) : null;
}

/**
 * The envelope endpoints of one send: the vendor's unless env `SENTRY_VENDOR_ENABLED=false` or the org switched it
 * off, and the customer's, where the org's own DSN replaces the deployment's `SENTRY_DSN_CUSTOMER`.
 */
export function sentryDestinations(env: Env, policy: SentryPolicy): string[] {
  const vendorEnabled = env.SENTRY_VENDOR_ENABLED !== 'false' && policy.vendorEnabled;
  const dsns = [vendorEnabled ? env.SENTRY_DSN_VENDOR : undefined, policy.customerDsn ?? env.SENTRY_DSN_CUSTOMER];
  const endpoints = dsns.map((dsn) => (dsn ? endpointOf(dsn) : null)).filter((url): url is string => url !== null);
  return [...new Set(endpoints)];
}

/**
 * Posts each envelope to the endpoints that apply when it is sent: the client is cached per isolate, so reading
 * the org's current settings here is what lets a change reach it. One endpoint failing never blocks the other.
 */
export function makeFanOutTransport(env: Env) {
  return (options: BaseTransportOptions): Transport =>
    createTransport(options, async (request) => {
      const endpoints = sentryDestinations(env, await sentryPolicy.current(env.DB));
      // Nowhere to send: Workers logs are then the only record (spec §3.2).
      if (endpoints.length === 0) return {};
      const responses = await Promise.allSettled(
        endpoints.map((url) =>
          fetch(url, {
            method: 'POST',
            body: request.body as BodyInit,
            headers: { 'Content-Type': 'application/x-sentry-envelope' },
          }),
        ),
      );
      const first = responses.find(
        (result): result is PromiseFulfilledResult<Response> => result.status === 'fulfilled',
      );
      if (!first) throw new Error('No Sentry endpoint accepted the event.');
      return { statusCode: first.value.status };
    });
}

/** The DSN the client files events under: the deployment's own, else the stand-in (see SETTINGS_ONLY_DSN). */
function clientDsn(env: Env): string {
  const envDsns = [env.SENTRY_VENDOR_ENABLED === 'false' ? undefined : env.SENTRY_DSN_VENDOR, env.SENTRY_DSN_CUSTOMER];
  return envDsns.find((dsn) => dsn && makeDsn(dsn)) ?? SETTINGS_ONLY_DSN;
}

/**
 * Sentry options (spec §3.2): every event goes to the vendor (unless switched off in env or by the org) and to the
 * customer's own DSN, decided per send from env and the org settings (sentry-policy.ts).
 */
export function sentryOptions(env: Env): CloudflareOptions {
  return {
    dsn: clientDsn(env),
    // Always on: the org may add its own DSN at any time and the isolate's cached client must then report there.
    // With no destination the transport posts nothing.
    enabled: true,
    environment: env.ENVIRONMENT ?? 'production',
    release: env.SENTRY_RELEASE,
    tracesSampleRate: 0.1,
    transport: makeFanOutTransport(env),
    initialScope: { tags: { component: 'worker', deployment_id: env.DEPLOYMENT_ID ?? 'unknown' } },
    beforeSend: (event) => redactPii(event),
    beforeBreadcrumb: (breadcrumb) => redactPii({ breadcrumbs: [breadcrumb] }).breadcrumbs?.[0] ?? null,
  };
}
