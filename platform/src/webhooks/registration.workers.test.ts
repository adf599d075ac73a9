import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { RTK_EVENT_TYPES } from '@castio/shared/rtk';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import { multiOrgEnv } from '../../test/helpers';
import type { Env } from '../env';
import { createRtkApp } from './local-rtk.testkit';
import { ensureWebhookRegistered } from './registration';

/** An RTK app of this file's own in the local cloud, with no webhook yet. */
async function freshApp() {
  const appEnv: Env = {
    ...multiOrgEnv,
    RTK_APP_ID: await createRtkApp('registration'),
    APP_BASE_URL: 'https://meet.example',
  };
  return { appEnv, rtk: rtkClientFromEnv(appEnv)! };
}

describe('webhook registration with RTK (§9.1)', () => {
  it('registers the receiver once for all nine events, caches the check, repairs a changed config', async () => {
    const { appEnv, rtk } = await freshApp();
    expect(await ensureWebhookRegistered({ ...appEnv, APP_BASE_URL: '' })).toBe('skipped');
    expect(await ensureWebhookRegistered(appEnv)).toBe('created');
    const [created, ...others] = await rtk.webhooks.list();
    expect(others).toEqual([]);
    expect(created).toMatchObject({
      name: 'Castio',
      url: 'https://meet.example/webhooks/rtk',
      events: [...RTK_EVENT_TYPES],
      enabled: true,
    });
    expect(await ensureWebhookRegistered(appEnv)).toBe('cached');
    expect(await ensureWebhookRegistered(appEnv, { force: true })).toBe('ok');
    // Someone disables it and narrows it down in RTK's dashboard.
    await rtk.webhooks.update(created!.id, { enabled: false, events: ['meeting.started'] });
    expect(await ensureWebhookRegistered(appEnv, { force: true })).toBe('updated');
    const repaired = await rtk.webhooks.list();
    expect(repaired).toHaveLength(1);
    expect(repaired[0]).toMatchObject({
      id: created!.id,
      enabled: true,
      events: expect.arrayContaining([...RTK_EVENT_TYPES]),
    });
    await env.KV_CACHE.delete('cache:rtk:webhook-registration');
  });
});
