import * as Sentry from '@sentry/cloudflare';
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import type { Env } from '../env';
import { sentryDestinations, sentryOptions } from './sentry';

const sink = inject('captureServerUrl');
const received = async () => (await (await fetch(`${sink}/__received`)).json()) as { path: string; body: string }[];

/** A Worker that fails with personal data in its error message, wrapped exactly like the platform's entry. */
let run = 0;
async function runFailingWorker(overrides: Partial<Env>) {
  const attempt = ++run; // distinct messages: Sentry drops an event identical to the previous one
  const worker = Sentry.withSentry<Env>((workerEnv) => sentryOptions(workerEnv), {
    fetch() {
      throw new Error(`join ${attempt} failed for ada@example.com from 203.0.113.9 with Bearer eyJabc.eyJdef.sig`);
    },
  } satisfies ExportedHandler<Env>) as ExportedHandler<Env>;
  const ctx = createExecutionContext();
  const request = new Request('https://castio.test/api/meetings/1/join?token=s3cret', {
    headers: { authorization: 'Bearer eyJabc.eyJdef.sig', 'cf-connecting-ip': '203.0.113.9' },
  });
  await expect(worker.fetch!(request as never, { ...env, ...overrides }, ctx)).rejects.toThrow();
  await waitOnExecutionContext(ctx);
  await Sentry.flush(2000);
}

const dsn = (key: string, project: number) => `${sink.replace('http://', `http://${key}@`)}/${project}`;

describe('Sentry reporting', () => {
  beforeEach(async () => {
    await fetch(`${sink}/__received`, { method: 'DELETE' });
  });

  it('sends each error to the vendor and the customer project, with personal data removed', async () => {
    await runFailingWorker({ SENTRY_DSN_VENDOR: dsn('vendorkey', 1), SENTRY_DSN_CUSTOMER: dsn('customerkey', 2) });
    // Other test files in this isolate may report through the same SDK client meanwhile: keep this test's events.
    const posts = (await received()).filter((post) => /join \d+ failed/.test(post.body));
    const projects = posts.map((post) => post.path.split('?')[0]).sort();
    expect(projects).toEqual(['/api/1/envelope/', '/api/2/envelope/']);
    for (const post of posts) {
      expect(post.body).toMatch(/join \d+ failed for \[email\]/);
      for (const secret of ['ada@example.com', '203.0.113.9', 'eyJabc', 's3cret'])
        expect(post.body).not.toContain(secret);
    }
  });

  // The SDK keeps one client per isolate, so the toggles are checked on the options the entry point builds.
  it('sends only to the customer when the org switched vendor reporting off, and nowhere without DSNs', () => {
    const vendor = dsn('vendorkey', 1);
    const customer = dsn('customerkey', 2);
    const paths = (overrides: Partial<Env>) =>
      sentryDestinations({ ...env, ...overrides }).endpoints.map((url) => new URL(url).pathname);
    expect(paths({ SENTRY_DSN_VENDOR: vendor, SENTRY_DSN_CUSTOMER: customer, SENTRY_VENDOR_ENABLED: 'false' })).toEqual(
      ['/api/2/envelope/'],
    );
    expect(paths({ SENTRY_DSN_VENDOR: vendor })).toEqual(['/api/1/envelope/']);
    expect(paths({ SENTRY_DSN_VENDOR: 'not a dsn' })).toEqual([]);
    const silent = sentryOptions({ ...env, SENTRY_DSN_VENDOR: undefined, SENTRY_DSN_CUSTOMER: undefined });
    expect(silent.enabled).toBe(false);
    expect(silent.dsn).toBeUndefined();
  });
});
