import { env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeRtk } from './fake-rtk.testkit';
import { RTK_EVENT_TYPES } from './payload';
import { ensureWebhookRegistered } from './registration';

let fake: FakeRtk;
beforeAll(async () => {
  fake = await FakeRtk.start();
});
afterAll(() => vi.restoreAllMocks());

describe('webhook registration with RTK (§9.1)', () => {
  it('registers the receiver once for all nine events, caches the check, repairs a changed config', async () => {
    expect(await ensureWebhookRegistered(fake.env({ APP_BASE_URL: '' }))).toBe('skipped');
    expect(await ensureWebhookRegistered(fake.env())).toBe('created');
    expect([...fake.webhooks.values()]).toEqual([
      {
        id: 'wh-1',
        name: 'Castio',
        url: 'https://meet.example/webhooks/rtk',
        events: [...RTK_EVENT_TYPES],
        enabled: true,
      },
    ]);
    expect(await ensureWebhookRegistered(fake.env())).toBe('cached');
    expect(await ensureWebhookRegistered(fake.env(), { force: true })).toBe('ok');
    fake.webhooks.set('wh-1', { ...fake.webhooks.get('wh-1'), enabled: false, events: ['meeting.started'] });
    expect(await ensureWebhookRegistered(fake.env(), { force: true })).toBe('updated');
    expect(fake.webhooks.get('wh-1')).toMatchObject({
      enabled: true,
      events: expect.arrayContaining([...RTK_EVENT_TYPES]),
    });
    expect(fake.webhooks.size).toBe(1);
    await env.KV_CACHE.delete('cache:rtk:webhook-registration');
  });
});
