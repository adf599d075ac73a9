import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from '@castio/local-cloud';
import { findRunningLocalCloud, platformVarsFor } from './local-cloud-link.ts';

/** How `npm run dev:platform` decides whether a local cloud runs: its credentials file, and an answer there. */
describe('findRunningLocalCloud', () => {
  const dir = mkdtempSync(join(tmpdir(), 'castio-link-'));
  const credentialsFile = join(dir, 'credentials.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a cloud that answers, and the platform settings point at it', async () => {
    const cloud = await startLocalCloud({ port: 0, stateDir: join(dir, 'state'), credentialsFile });
    try {
      const link = await findRunningLocalCloud(credentialsFile);
      expect(link).toEqual({
        url: cloud.url,
        apiBase: cloud.rtk.apiBase,
        accountId: cloud.rtk.accountId,
        appId: cloud.rtk.appId,
        token: cloud.rtk.token,
        mailApiUrl: `${cloud.url}/__local/mail`,
      });
      expect(platformVarsFor(link!, 'http://127.0.0.1:8788')).toMatchObject({
        RTK_API_BASE: `${cloud.url}/client/v4`,
        RTK_WEBHOOK_KEYS_URL: cloud.url,
        RTK_DOWNLOAD_ORIGINS: cloud.url,
        MAIL_API_URL: `${cloud.url}/__local/mail`,
        APP_BASE_URL: 'http://127.0.0.1:8788',
      });
    } finally {
      await cloud.stop();
    }
  });

  it('ignores a credentials file left behind by a cloud that no longer runs', async () => {
    expect(await findRunningLocalCloud(credentialsFile)).toBeNull();
  });

  it('ignores a missing or unreadable credentials file', async () => {
    expect(await findRunningLocalCloud(join(dir, 'missing.json'))).toBeNull();
    writeFileSync(join(dir, 'garbage.json'), 'not json');
    expect(await findRunningLocalCloud(join(dir, 'garbage.json'))).toBeNull();
  });
});
