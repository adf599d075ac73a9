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

/** Posts each envelope to the given Sentry endpoints; one failing never blocks the other. */
export function makeFanOutTransport(endpoints: string[]) {
  return (options: BaseTransportOptions): Transport =>
    createTransport(options, async (request) => {
      const responses = await Promise.allSettled(
        endpoints.map((url) =>
          fetch(url, {
            method: 'POST',
            body: request.body as BodyInit,
            headers: { 'Content-Type': 'application/x-sentry-envelope' },
          }),
        ),
      );
      const first = responses.find((result) => result.status === 'fulfilled');
      if (!first) throw new Error('No Sentry endpoint accepted the event.');
      return { statusCode: (first as PromiseFulfilledResult<Response>).value.status };
    });
}

function endpointOf(dsn: string): string | null {
  const parsed = makeDsn(dsn);
  return parsed ? getEnvelopeEndpointWithUrlEncodedAuth(parsed) : null;
}

/** The DSNs that receive events, and their envelope endpoints. */
export function sentryDestinations(env: Env) {
  const dsns = [
    env.SENTRY_VENDOR_ENABLED === 'false' ? undefined : env.SENTRY_DSN_VENDOR,
    env.SENTRY_DSN_CUSTOMER,
  ].filter((dsn): dsn is string => Boolean(dsn));
  return { dsns, endpoints: dsns.map(endpointOf).filter((url): url is string => url !== null) };
}

/**
 * Sentry options (seed §3.2): the vendor DSN (unless the org turned it off) and the customer's own DSN both
 * receive every event; with neither set, the SDK stays disabled and errors only reach Workers logs.
 */
export function sentryOptions(env: Env): CloudflareOptions {
  const { dsns, endpoints } = sentryDestinations(env);
  return {
    dsn: dsns[0],
    enabled: endpoints.length > 0,
    environment: env.ENVIRONMENT ?? 'production',
    release: env.SENTRY_RELEASE,
    tracesSampleRate: 0.1,
    transport: makeFanOutTransport(endpoints),
    initialScope: { tags: { component: 'worker', deployment_id: env.DEPLOYMENT_ID ?? 'unknown' } },
    beforeSend: (event) => redactPii(event),
    beforeBreadcrumb: (breadcrumb) => redactPii({ breadcrumbs: [breadcrumb] }).breadcrumbs?.[0] ?? null,
  };
}
