import { describe, expect, it } from 'vitest';
import type { RtkWebhook, RtkWebhooksApi } from './webhooks';
import { isKnownEventType, RTK_EVENT_TYPES } from './webhook-events';
import { ensureWebhook } from './webhook-registration';

const RECEIVER = 'https://meet.example/webhooks/rtk';

/** An RTK app's webhooks, in memory, with every write recorded. */
function fakeRtk(initial: Partial<RtkWebhook>[] = []) {
  const hooks: RtkWebhook[] = initial.map((hook, i) => ({
    id: `w${i}`,
    name: 'x',
    url: RECEIVER,
    events: [],
    enabled: true,
    created_at: null,
    updated_at: null,
    ...hook,
  }));
  const writes: string[] = [];
  const webhooks: RtkWebhooksApi = {
    list: async () => structuredClone(hooks),
    create: async (input) => {
      writes.push('create');
      const hook = { id: `w${hooks.length}`, created_at: null, updated_at: null, enabled: true, ...input };
      hooks.push({ ...hook, events: [...input.events] });
      return hooks.at(-1)!;
    },
    update: async (id, patch) => {
      writes.push(`update ${id}`);
      const hook = hooks.find((candidate) => candidate.id === id)!;
      Object.assign(hook, { ...patch, events: patch.events ? [...patch.events] : hook.events });
      return hook;
    },
    delete: async () => undefined,
  };
  return { rtk: { webhooks }, hooks, writes };
}

describe('ensureWebhook', () => {
  it('creates our webhook for every event, then finds it as wanted', async () => {
    const { rtk, hooks, writes } = fakeRtk([{ url: 'https://elsewhere.example/hook', events: ['meeting.started'] }]);
    expect(await ensureWebhook(rtk, RECEIVER)).toBe('created');
    expect(hooks[1]).toMatchObject({ name: 'Castio', url: RECEIVER, events: [...RTK_EVENT_TYPES], enabled: true });
    expect(await ensureWebhook(rtk, RECEIVER)).toBe('ok');
    expect(writes).toEqual(['create']);
    // Someone else's webhook is left as it was.
    expect(hooks[0]).toMatchObject({ url: 'https://elsewhere.example/hook', events: ['meeting.started'] });
  });

  it('re-enables a disabled one and adds missing events, keeping events others added', async () => {
    const { rtk, hooks } = fakeRtk([{ enabled: false, events: ['meeting.started', 'meeting.someNewEvent'] }]);
    expect(await ensureWebhook(rtk, RECEIVER)).toBe('updated');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.enabled).toBe(true);
    expect([...hooks[0]!.events].sort()).toEqual([...RTK_EVENT_TYPES, 'meeting.someNewEvent'].sort());
    expect(await ensureWebhook(rtk, RECEIVER)).toBe('ok');
  });
});

describe('RTK_EVENT_TYPES', () => {
  it('names the nine events we handle, and nothing else counts as known', () => {
    expect(RTK_EVENT_TYPES).toHaveLength(9);
    expect(RTK_EVENT_TYPES.every(isKnownEventType)).toBe(true);
    expect(isKnownEventType('meeting.someNewEvent')).toBe(false);
  });
});
