// A tiny Worker uploaded by the local cloud's tests: it touches every binding kind the platform uses.
import { DurableObject } from 'cloudflare:workers';

export class Counter extends DurableObject {
  async fetch() {
    const n = ((await this.ctx.storage.get('n')) ?? 0) + 1;
    await this.ctx.storage.put('n', n);
    return new Response(String(n));
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/version':
        return Response.json({ label: env.LABEL, version: env.CF_VERSION?.id ?? null, host: url.host });
      case '/secret':
        return new Response(env.API_KEY ?? 'unset');
      case '/d1':
        if (request.method === 'POST')
          await env.DB.prepare('INSERT INTO notes (body) VALUES (?)')
            .bind(await request.text())
            .run();
        return Response.json((await env.DB.prepare('SELECT body FROM notes ORDER BY id').all()).results);
      case '/kv':
        if (request.method === 'POST') await env.KV.put('k', await request.text());
        return new Response(await env.KV.get('k'));
      case '/r2':
        if (request.method === 'POST') await env.FILES.put('f.txt', await request.text());
        return new Response((await (await env.FILES.get('f.txt'))?.text()) ?? 'none');
      case '/do':
        return env.COUNTER.get(env.COUNTER.idFromName('one')).fetch(request);
      case '/cron':
        return new Response((await env.KV.get('last-cron')) ?? 'never');
      default:
        return new Response('not found', { status: 404 });
    }
  },
  async scheduled(controller, env) {
    await env.KV.put('last-cron', controller.cron);
  },
};
