import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalCloud } from '@castio/local-cloud';
import { startCaptureServer } from './capture-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real HTTP server that records what is sent to it (capture-server.ts). */
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

/** Runs in Node before the workerd tests: the capture server and the local cloud. */
export default async function setup(project: TestProject) {
  const capture = await startCaptureServer();
  project.provide('captureServerUrl', capture.url);

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
    await capture.close();
    await cloud.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
