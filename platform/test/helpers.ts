import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import './migrated-d1';
import { expect, inject } from 'vitest';
import { createApp } from '../src/app';
import type { Env } from '../src/env';
import type { ErrorEnvelope } from '@castio/shared/schemas';
import { ApiContract } from './api-contract';
import type { ApiDocument, ResponseBody, RouteKey, SuccessStatus } from './api-types';

const app = createApp();

const localCloud = inject('localCloud');

/**
 * The real bindings, with org sign-up allowed so one test file can hold several tenants, and RealtimeKit
 * settings pointing at the local cloud (started by global-setup.ts), as a deployment's would point at RTK.
 */
export const multiOrgEnv: Env = {
  ...env,
  ALLOW_ORG_SIGNUP: 'true',
  RTK_API_BASE: localCloud.rtkApiBase,
  ACCOUNT_ID: localCloud.accountId,
  RTK_APP_ID: localCloud.appId,
  RTK_API_TOKEN: localCloud.token,
  RTK_WEBHOOK_KEYS_URL: localCloud.url,
  RTK_DOWNLOAD_ORIGINS: localCloud.url,
};

/** Base URL of the local cloud, for its control routes (session player, faults, mail sink). */
export const localCloudUrl = localCloud.url;

let ipCounter = 0;
/** A distinct client IP per caller, so per-IP limits don't couple unrelated tests. */
export const freshIp = () => `198.18.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

async function loadContract() {
  const response = await app.request('/api/openapi.json', {}, multiOrgEnv);
  return new ApiContract(await json<ApiDocument>(response));
}
let contract: Promise<ApiContract> | undefined;
/** The app's own OpenAPI document as a contract, built once per test file. */
export const apiContract = () => (contract ??= loadContract());

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
  cookie?: string;
  ip?: string;
  env?: Env;
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'cf-connecting-ip': options.ip ?? freshIp(), ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  let body = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  // A real ExecutionContext, as Cloudflare gives the Worker; the call returns once the work the Worker handed to
  // waitUntil (webhook processing, telemetry) is done too, so a test sees its effects.
  const ctx = createExecutionContext();
  const response = await app.request(path, { method, headers, body }, options.env ?? multiOrgEnv, ctx);
  await waitOnExecutionContext(ctx);
  // Every response a test receives must be one the OpenAPI document allows; a mismatch fails that test here.
  await (await apiContract()).assertConforms(method, path, response);
  return response;
}

/** A JSON body whose shape the caller states (`unknown` until it does): for answers that are not the API's own. */
export async function json<T = unknown>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/**
 * The JSON body of an answer of the API's route `Key`, typed as that route declares it (api-types.ts), e.g.
 * `jsonOf<'POST /api/meetings'>(response)`; `Status` picks another declared answer than the success one.
 */
export async function jsonOf<Key extends RouteKey, Status extends number = SuccessStatus>(
  response: Response,
): Promise<ResponseBody<Key, Status>> {
  return (await response.json()) as ResponseBody<Key, Status>;
}

/** Asserts the one error envelope and returns its error; `Details` is what the caller expects its details to be. */
export async function expectError<Details = unknown>(
  response: Response,
  status: number,
  code?: string,
): Promise<ErrorEnvelope['error'] & { details?: Details }> {
  const body = await json<ErrorEnvelope & { error: { details?: Details } }>(response);
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(body).toHaveProperty('error.code');
  expect(body).toHaveProperty('error.message');
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

export interface Session {
  token: string;
  cookie: string;
  user: { id: string; email: string; role: string; name: string };
  org: { id: string; slug: string; name: string };
}

export const refreshCookieOf = (response: Response) => {
  const header = response.headers.get('set-cookie') ?? '';
  const match = /__Host-castio_rt=([^;]*)/.exec(header);
  return match ? `__Host-castio_rt=${match[1]}` : '';
};

export async function toSession(response: Response): Promise<Session> {
  const body = await jsonOf<'POST /api/auth/login'>(response);
  expect(response.status, JSON.stringify(body)).toBeLessThan(300);
  return { token: body.accessToken, cookie: refreshCookieOf(response), user: body.user, org: body.org };
}

/** The session id (`sid` claim) an access token carries, read without verifying: for tests that build tokens. */
export const sessionIdOf = (accessToken: string): string =>
  JSON.parse(atob(accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sid;

let orgCounter = 0;
export const PASSWORD = 'correct horse battery staple';

/** Creates a fresh org with its owner through the public API. */
export async function createOrg(label = 'org'): Promise<Session> {
  const n = ++orgCounter;
  const response = await call('POST', '/api/auth/register', {
    body: {
      email: `owner${n}@${label}.example`,
      password: PASSWORD,
      name: `Owner ${label}`,
      orgName: `Org ${label} ${n}`,
      orgSlug: `${label}-${n}-${Date.now().toString(36)}`,
    },
  });
  return toSession(response);
}

/** Invites someone with a role and registers them through the invitation. */
export async function addMember(
  owner: Session,
  role: 'admin' | 'host' | 'member',
  label: string = role,
): Promise<Session> {
  const email = `${label}-${++orgCounter}@${owner.org.slug}.example`;
  const invite = await jsonOf<'POST /api/users/invites'>(
    await call('POST', '/api/users/invites', { token: owner.token, body: { email, role } }),
  );
  const response = await call('POST', '/api/auth/register', {
    body: { email, password: PASSWORD, name: `${label} of ${owner.org.name}`, inviteToken: invite.token },
  });
  return toSession(response);
}
