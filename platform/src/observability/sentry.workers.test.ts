import * as Sentry from '@sentry/cloudflare';
import { createEnvelope, type Envelope } from '@sentry/core';
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { call, createOrg, type Session } from '../../test/helpers';
import type { Env } from '../env';
import { sentryDestinations, sentryOptions } from './sentry';
import { readSentryPolicy, SENTRY_POLICY_TTL_MS, SentryPolicyCache } from './sentry-policy';

const sink = inject('captureServerUrl');
const dsn = (key: string, project: number, base = sink) => `${base.replace('://', `://${key}@`)}/${project}`;
const VENDOR = dsn('vendorkey', 1);
const DEPLOYMENT_CUSTOMER = dsn('customerkey', 2);
// The settings accept https DSNs only; the capture server speaks plain HTTP, so the fetch below hands it these.
const sinkOverTls = sink.replace('http://', 'https://');
const ORG_CUSTOMER = dsn('orgkey', 3, sinkOverTls);
const BOTH_ENV_DSNS: Partial<Env> = { SENTRY_DSN_VENDOR: VENDOR, SENTRY_DSN_CUSTOMER: DEPLOYMENT_CUSTOMER };
const NO_ENV_DSNS: Partial<Env> = { SENTRY_DSN_VENDOR: undefined, SENTRY_DSN_CUSTOMER: undefined };

let owner: Session;

beforeAll(async () => {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) =>
    realFetch(typeof input === 'string' ? input.replace(sinkOverTls, sink) : input, init),
  );
  owner = await createOrg('sentry');
});
afterAll(() => vi.restoreAllMocks());

const patchSettings = async (body: Record<string, unknown>, session: Session = owner) => {
  const response = await call('PATCH', '/api/diagnostics/settings', { token: session.token, body });
  expect(response.status, await response.clone().text()).toBe(200);
};

// Every test starts from the defaults: vendor reporting on, no DSN of the org's own.
afterEach(() => patchSettings({ sentryVendorEnabled: true, sentryCustomerDsn: null }));

/** The Sentry projects whose envelopes contain `marker`, e.g. ['1', '2']. */
async function projectsReached(marker: string) {
  const posts = (await (await fetch(`${sink}/__received`)).json()) as { path: string; body: string }[];
  const ours = posts.filter((post) => post.body.includes(marker));
  return { projects: ours.map((post) => post.path.split('/')[2]).sort(), bodies: ours.map((post) => post.body) };
}

/**
 * A Worker that fails with personal data in its error message, wrapped like the platform's entry; it returns the
 * Sentry projects that received the error. `cacheClient: false` builds a client per request so each test's env
 * applies; the platform's cached client reads the org settings at send time just the same (see the transport test).
 */
let run = 0;
async function reportFailure(overrides: Partial<Env>) {
  const marker = `join ${++run} failed`; // distinct messages: Sentry drops an event identical to the previous one
  const worker = Sentry.withSentry<Env>((workerEnv) => ({ ...sentryOptions(workerEnv), cacheClient: false }), {
    fetch() {
      throw new Error(`${marker} for ada@example.com from 203.0.113.9 with Bearer eyJabc.eyJdef.sig`);
    },
  } satisfies ExportedHandler<Env>) as ExportedHandler<Env>;
  const ctx = createExecutionContext();
  const request = new Request('https://castio.test/api/meetings/1/join?token=s3cret', {
    headers: { authorization: 'Bearer eyJabc.eyJdef.sig', 'cf-connecting-ip': '203.0.113.9' },
  });
  await expect(worker.fetch!(request as never, { ...env, ...overrides }, ctx)).rejects.toThrow();
  await waitOnExecutionContext(ctx); // includes the SDK's flush
  return projectsReached(marker);
}

describe('Sentry destinations', () => {
  it('sends each error to the vendor and the customer project, with personal data removed', async () => {
    const { projects, bodies } = await reportFailure(BOTH_ENV_DSNS);
    expect(projects).toEqual(['1', '2']);
    for (const body of bodies) {
      expect(body).toMatch(/join \d+ failed for \[email\]/);
      for (const secret of ['ada@example.com', '203.0.113.9', 'eyJabc', 's3cret']) expect(body).not.toContain(secret);
    }
  });

  it('stops sending to the vendor as soon as the owner switches vendor reporting off', async () => {
    await patchSettings({ sentryVendorEnabled: false });
    expect((await reportFailure(BOTH_ENV_DSNS)).projects).toEqual(['2']);
    expect((await reportFailure(NO_ENV_DSNS)).projects).toEqual([]);
  });

  it('sends to the DSN the owner set, in place of the deployment’s customer DSN, even with no DSN in env', async () => {
    await patchSettings({ sentryCustomerDsn: ORG_CUSTOMER });
    expect((await reportFailure(BOTH_ENV_DSNS)).projects).toEqual(['1', '3']);
    expect((await reportFailure(NO_ENV_DSNS)).projects).toEqual(['3']);
  });

  it('keeps the vendor out when env SENTRY_VENDOR_ENABLED=false, whatever the org chose', async () => {
    expect((await reportFailure({ ...BOTH_ENV_DSNS, SENTRY_VENDOR_ENABLED: 'false' })).projects).toEqual(['2']);
  });

  it('sends nowhere without a usable DSN, yet keeps the client on for a DSN the org may add', async () => {
    expect((await reportFailure(NO_ENV_DSNS)).projects).toEqual([]);
    const policy = { vendorEnabled: true, customerDsn: null };
    expect(sentryDestinations({ ...env, SENTRY_DSN_VENDOR: 'not a dsn' }, policy)).toEqual([]);
    expect(sentryOptions({ ...env, ...NO_ENV_DSNS }).enabled).toBe(true);
  });

  it('lets a transport built before a settings change follow it, as the isolate’s cached client does', async () => {
    const transport = sentryOptions({ ...env, ...BOTH_ENV_DSNS }).transport!({ url: '', recordDroppedEvent() {} });
    const send = async (marker: string) => {
      const envelope: Envelope = createEnvelope({}, [[{ type: 'event' }, { message: marker }]]);
      await transport.send(envelope);
      return (await projectsReached(marker)).projects;
    };
    expect(await send(`cached ${++run} before`)).toEqual(['1', '2']);
    await patchSettings({ sentryVendorEnabled: false, sentryCustomerDsn: ORG_CUSTOMER });
    expect(await send(`cached ${++run} after`)).toEqual(['3']);
  });
});

describe('the isolate’s copy of the org settings', () => {
  it(`reads D1 again only once ${SENTRY_POLICY_TTL_MS / 1000} s have passed`, async () => {
    const clock = { now: 1_000_000 };
    const copy = new SentryPolicyCache(() => clock.now); // another isolate's copy: this isolate's PATCH skips it
    expect(await copy.current(env.DB)).toEqual({ vendorEnabled: true, customerDsn: null });
    await patchSettings({ sentryVendorEnabled: false });
    clock.now += SENTRY_POLICY_TTL_MS - 1;
    expect((await copy.current(env.DB)).vendorEnabled).toBe(true);
    clock.now += 1;
    expect((await copy.current(env.DB)).vendorEnabled).toBe(false);
  });

  it('keeps the vendor out until D1 has answered once, and does not retry before the TTL', async () => {
    const clock = { now: 0 };
    const copy = new SentryPolicyCache(() => clock.now);
    const prepare = vi.spyOn(env.DB, 'prepare').mockImplementationOnce(() => {
      throw new Error('D1 unavailable');
    });
    expect(await copy.current(env.DB)).toEqual({ vendorEnabled: false, customerDsn: null });
    expect(await copy.current(env.DB)).toEqual({ vendorEnabled: false, customerDsn: null });
    expect(prepare).toHaveBeenCalledTimes(1);
    clock.now += SENTRY_POLICY_TTL_MS;
    expect(await copy.current(env.DB)).toEqual({ vendorEnabled: true, customerDsn: null });
    prepare.mockRestore();
  });

  // Last: the second org stays in this file's database.
  it('with several orgs, any org switching the vendor off wins, and only a DSN all orgs name is used', async () => {
    const second = await createOrg('sentrysecond');
    await patchSettings({ sentryCustomerDsn: ORG_CUSTOMER });
    expect(await readSentryPolicy(env.DB)).toEqual({ vendorEnabled: true, customerDsn: null });
    await patchSettings({ sentryCustomerDsn: ORG_CUSTOMER, sentryVendorEnabled: false }, second);
    expect(await readSentryPolicy(env.DB)).toEqual({ vendorEnabled: false, customerDsn: ORG_CUSTOMER });
    await patchSettings({ sentryCustomerDsn: dsn('otherkey', 4, sinkOverTls) }, second);
    expect(await readSentryPolicy(env.DB)).toEqual({ vendorEnabled: false, customerDsn: null });
  });
});
