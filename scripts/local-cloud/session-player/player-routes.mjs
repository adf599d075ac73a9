// POST /__local/rtk/sessions/play: plays a session (options as in player.mjs) and answers the ground truth,
// after the first delivery attempt of every webhook (bounded by `waitMs`, default 10 s).
import { json } from '../http/cf-envelope.ts';
import { readJson } from '../http/request-body.ts';
import { playSession } from './player.mjs';

/** @param {import('../http/router.ts').Router} router @param {any} context */
export function registerPlayerRoutes(router, context) {
  router.add('POST', '/__local/rtk/sessions/play', {}, async ({ request }) => {
    const options = await readJson(request);
    if (typeof options?.meetingId !== 'string')
      return json(400, { success: false, error: { code: 400, message: '`meetingId` is required' } });
    const truth = await playSession(context.rtk, context.store, options);
    const waitMs = options.waitMs ?? 10_000;
    await Promise.race([context.rtk.dispatcher.idle(), new Promise((r) => setTimeout(r, waitMs))]);
    return json(200, truth);
  });
}
