// Starts a local cloud on an ephemeral port with a throwaway state folder, for tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Cloudflare, { APIError } from 'cloudflare';
import { startLocalCloud } from '../index.ts';
import { readJson } from './json.ts';

export type TestCloud = Awaited<ReturnType<typeof startLocalCloud>> & { cf: Cloudflare; dispose: () => Promise<void> };

export async function startTestCloud(options: Parameters<typeof startLocalCloud>[0] = {}): Promise<TestCloud> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'local-cloud-test-'));
  const cloud = await startLocalCloud({ port: 0, credentialsFile: false, ...options, stateDir });
  const cf = sdk(cloud.apiBase, cloud.token);
  return Object.assign(cloud, {
    cf,
    dispose: async () => {
      await cloud.stop();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  });
}

/** The official SDK pointed at the local cloud: no retries (creates must not repeat), a pinned api-version. */
export const sdk = (apiBase: string, apiToken: string) =>
  new Cloudflare({ apiToken, baseURL: apiBase, maxRetries: 0, apiVersion: '2026-11-01', timeout: 30_000 });

/** Mints a token with chosen permissions through the control API. */
export async function mintToken(
  cloud: { url: string },
  body: { permissions: string[]; kind?: 'user' | 'account'; status?: string; expires_on?: string },
) {
  const response = await fetch(`${cloud.url}/__local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`mint failed: ${response.status} ${await response.text()}`);
  return readJson<{ id: string; value: string }>(response);
}

/** Runs a promise that must fail with a Cloudflare APIError; returns status and errors. */
export async function apiFailure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return { status: error.status, errors: error.errors };
    throw error;
  }
  throw new Error('expected the call to fail');
}
