// POST /__local/rtk/sessions/play: plays a session (options in play-options.ts) and answers the ground truth,
// after the first delivery attempt of every webhook (bounded by `waitMs`, default 10 s).
import { json } from '../http/cf-envelope.ts';
import { readJson } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';
import type { RealtimeKit } from '../realtimekit/realtimekit.ts';
import type { StateStore } from '../state/store.ts';
import { parsePlayOptions } from './play-options.ts';
import { playSession } from './player.ts';

export function registerPlayerRoutes(router: Router, { rtk, store }: { rtk: RealtimeKit; store: StateStore }): void {
  router.add('POST', '/__local/rtk/sessions/play', {}, async ({ request }) => {
    const options = parsePlayOptions(await readJson(request));
    const truth = playSession(rtk, store, options);
    const waitMs = options.waitMs ?? 10_000;
    await Promise.race([rtk.dispatcher.idle(), new Promise((r) => setTimeout(r, waitMs))]);
    return json(200, truth);
  });
}
