// Webhook configuration CRUD (+ the event catalogue at /webhooks/all).
import { randomUUID } from 'node:crypto';
import { RtkApiError, rtkOk } from './rtk-envelope.ts';
import { WEBHOOK_EVENTS, parseBody, webhookCreate, webhookPatch } from './rtk-schemas.ts';
import { RTK_BASE, RTK_META, appOr404 } from './rtk-lookup.mjs';

const view = (w) => ({
  id: w.id,
  name: w.name,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  created_at: w.created_at,
  updated_at: w.updated_at,
});

/** @param {import('../http/router.ts').Router} router @param {any} deps */
export function registerWebhookRoutes(router, { store }) {
  const base = `${RTK_BASE}/:appId/webhooks`;
  const find = (params) => {
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
      const w = {
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
    (replace) =>
    async ({ params, request }) => {
      find(params);
      const body = await parseBody(request, replace ? webhookCreate : webhookPatch);
      const hook = store.transact((s) => {
        const w = s.rtk.webhooks.find((x) => x.id === params.webhookId);
        for (const key of ['name', 'url', 'events', 'enabled'])
          if (body[key] !== undefined) w[key] = key === 'events' ? [...new Set(body.events)] : body[key];
        w.updated_at = new Date().toISOString();
        return w;
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
