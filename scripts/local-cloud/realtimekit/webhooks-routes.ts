// Webhook configuration CRUD (+ the event catalogue at /webhooks/all).
import { randomUUID } from 'node:crypto';
import type { RouteContext, Router } from '../http/router.ts';
import type { Webhook } from '../state/rtk-records.ts';
import type { StateStore } from '../state/store.ts';
import { RtkApiError, rtkOk } from './rtk-envelope.ts';
import { appOr404, RTK_BASE, RTK_META } from './rtk-lookup.ts';
import { parseBody, WEBHOOK_EVENTS, webhookCreate, webhookPatch } from './rtk-schemas.ts';

const view = (w: Webhook) => ({
  id: w.id,
  name: w.name,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  created_at: w.created_at,
  updated_at: w.updated_at,
});

type WebhookParams = { appId: string; webhookId: string };

export function registerWebhookRoutes(router: Router, { store }: { store: StateStore }): void {
  const base = `${RTK_BASE}/:appId/webhooks`;
  const find = (params: WebhookParams) => {
    appOr404(store, params.appId);
    const w = store.data.rtk.webhooks.find((x) => x.id === params.webhookId && x.app_id === params.appId);
    if (!w) throw new RtkApiError(404, `Webhook ${params.webhookId} not found`);
    return w;
  };
  router.add('GET', `${base}/all`, RTK_META, ({ params }) => {
    appOr404(store, params.appId);
    return rtkOk(WEBHOOK_EVENTS);
  });
  router.add('POST', base, RTK_META, async ({ params, request }) => {
    appOr404(store, params.appId);
    const body = await parseBody(request, webhookCreate);
    const hook = store.transact((s) => {
      const now = new Date().toISOString();
      const w: Webhook = {
        id: randomUUID(),
        app_id: params.appId,
        name: body.name,
        url: body.url,
        events: [...new Set(body.events)],
        enabled: body.enabled ?? true,
        created_at: now,
        updated_at: now,
      };
      s.rtk.webhooks.push(w);
      return w;
    });
    return rtkOk(view(hook), { status: 201 });
  });
  router.add('GET', base, RTK_META, ({ params }) => {
    appOr404(store, params.appId);
    return rtkOk(store.data.rtk.webhooks.filter((w) => w.app_id === params.appId).map(view));
  });
  router.add('GET', `${base}/:webhookId`, RTK_META, ({ params }) => rtkOk(view(find(params))));
  const update =
    (replace: boolean) =>
    async ({ params, request }: RouteContext<WebhookParams>) => {
      const current = find(params);
      const { name, url, events, enabled } = await parseBody(request, replace ? webhookCreate : webhookPatch);
      const hook: Webhook = {
        ...current,
        ...(name !== undefined ? { name } : {}),
        ...(url !== undefined ? { url } : {}),
        ...(events !== undefined ? { events: [...new Set(events)] } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
        updated_at: new Date().toISOString(),
      };
      store.transact((s) => {
        s.rtk.webhooks = s.rtk.webhooks.map((w) => (w.id === hook.id ? hook : w));
      });
      return rtkOk(view(hook));
    };
  router.add('PATCH', `${base}/:webhookId`, RTK_META, update(false));
  router.add('PUT', `${base}/:webhookId`, RTK_META, update(true));
  router.add('DELETE', `${base}/:webhookId`, RTK_META, ({ params }) => {
    const w = find(params);
    store.transact((s) => {
      s.rtk.webhooks = s.rtk.webhooks.filter((x) => x.id !== w.id);
    });
    return rtkOk(view(w));
  });
}
