import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalCloud, startLocalCloud } from '@castio/local-cloud';
import type { RtkMeeting } from '@castio/shared/rtk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rtkClientFromEnv } from './from-env';

let cloud: LocalCloud;
const stateDir = mkdtempSync(join(tmpdir(), 'castio-from-env-'));

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, stateDir, reset: true, credentialsFile: false });
});

afterAll(async () => {
  await cloud?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('rtkClientFromEnv', () => {
  it('is null until the RTK app is configured, and a working client once it is', async () => {
    const env = { RTK_API_BASE: cloud.rtk.apiBase, ACCOUNT_ID: cloud.rtk.accountId, RTK_APP_ID: cloud.rtk.appId };
    expect(rtkClientFromEnv(env)).toBeNull();
    expect(rtkClientFromEnv({ ...env, RTK_API_TOKEN: '' })).toBeNull();
    const configured = rtkClientFromEnv({ ...env, RTK_API_TOKEN: cloud.rtk.token });
    const meeting = await configured!.meetings.create({ title: 'From env' });
    expect(await configured!.meetings.get(meeting.id)).toMatchObject<Partial<RtkMeeting>>({ id: meeting.id });
    const wrongToken = rtkClientFromEnv({ ...env, RTK_API_TOKEN: 'not-the-token' }, { retries: 0 });
    await expect(wrongToken!.meetings.get(meeting.id)).rejects.toThrow();
  });
});
