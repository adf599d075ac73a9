import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalCloud } from '../../scripts/local-cloud/index.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real HTTP server that records whatever is posted to it (Sentry envelopes, phone-home). */
    captureServerUrl: string;
    /** The local cloud's RealtimeKit, which the platform's RTK client talks to exactly as to the real one. */
    localCloud: {
      url: string;
      rtkApiBase: string;
      accountId: string;
      appId: string;
      token: string;
    };
  }
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

/** Runs in Node before the workerd tests: outbound requests from Worker code land here for inspection. */
export default async function setup(project: TestProject) {
  const received: { path: string; body: string }[] = [];
  const server = createServer(async (request, response) => {
    if (request.method === 'GET' && request.url === '/__received') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(received));
      return;
    }
    if (request.method === 'DELETE' && request.url === '/__received') {
      received.length = 0;
      response.end();
      return;
    }
    received.push({ path: request.url ?? '', body: await readBody(request) });
    response.setHeader('content-type', 'application/json');
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('captureServerUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);

  const stateDir = mkdtempSync(join(tmpdir(), 'castio-test-cloud-'));
  const cloud = await startLocalCloud({ port: 0, stateDir, reset: true, credentialsFile: false });
  project.provide('localCloud', {
    url: cloud.url,
    rtkApiBase: cloud.rtk.apiBase,
    accountId: cloud.rtk.accountId,
    appId: cloud.rtk.appId,
    token: cloud.rtk.token,
  });
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await cloud.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
