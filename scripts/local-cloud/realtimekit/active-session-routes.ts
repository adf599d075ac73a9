// The meeting's active session: get, kick, kick-all (ends it), mute, mute-all, poll.
import { randomUUID } from 'node:crypto';
import type { Router } from '../http/router.ts';
import type { StateStore } from '../state/store.ts';
import { RtkApiError, rtkOk } from './rtk-envelope.ts';
import { kickBody, muteAllBody, parseBody, pollBody } from './rtk-schemas.ts';
import { meetingOr404, RTK_BASE, RTK_META } from './rtk-lookup.ts';
import { type SessionEngine, sessionView } from './session-engine.ts';

export function registerActiveSessionRoutes(
  router: Router,
  { store, sessions }: { store: StateStore; sessions: SessionEngine },
): void {
  const abase = `${RTK_BASE}/:appId/meetings/:meetingId/active-session`;
  const live = (params: { appId: string; meetingId: string }) => {
    meetingOr404(store, params.appId, params.meetingId);
    const session = sessions.liveSession(params.meetingId);
    if (!session) throw new RtkApiError(404, 'No active session found for this meeting');
    return session;
  };
  router.add('GET', abase, RTK_META, ({ params }) => rtkOk(sessionView(live(params))));
  router.add('POST', `${abase}/kick`, RTK_META, async ({ params, request }) => {
    live(params);
    const body = await parseBody(request, kickBody);
    if (!body.participant_ids?.length && !body.custom_participant_ids?.length)
      throw new RtkApiError(400, 'Pass participant_ids or custom_participant_ids');
    const kicked = sessions.kick(params.meetingId, {
      participantIds: body.participant_ids ?? [],
      customIds: body.custom_participant_ids ?? [],
    });
    return rtkOk({
      action: 'kick',
      participants: kicked.map((p) => ({
        id: p.participant_id,
        custom_participant_id: p.custom_participant_id,
        peer_id: p.peer_id,
        name: p.display_name,
      })),
    });
  });
  router.add('POST', `${abase}/kick-all`, RTK_META, ({ params }) => {
    const session = live(params);
    const count = session.peers.filter((p) => !p.left_at).length;
    sessions.endSession(params.meetingId, { reason: 'HOST_ENDED_MEETING' });
    return rtkOk({ action: 'kick-all', kicked_participants_count: count });
  });
  router.add('POST', `${abase}/mute`, RTK_META, async ({ params, request }) => {
    const session = live(params);
    const body = await parseBody(request, kickBody);
    const targets = session.peers.filter(
      (p) =>
        !p.left_at &&
        ((body.participant_ids ?? []).includes(p.participant_id) ||
          (body.custom_participant_ids ?? []).includes(p.custom_participant_id)),
    );
    return rtkOk({
      action: 'mute',
      participants: targets.map((p) => ({ id: p.participant_id, custom_participant_id: p.custom_participant_id })),
    });
  });
  router.add('POST', `${abase}/mute-all`, RTK_META, async ({ params, request }) => {
    const session = live(params);
    await parseBody(request, muteAllBody, { optional: true });
    return rtkOk({ action: 'mute-all', muted_participants_count: session.peers.filter((p) => !p.left_at).length });
  });
  router.add('POST', `${abase}/poll`, RTK_META, async ({ params, request }) => {
    live(params);
    const body = await parseBody(request, pollBody);
    return rtkOk({
      action: 'create-poll',
      poll: {
        id: randomUUID(),
        question: body.question,
        options: body.options.map((text) => ({ text, count: 0, votes: [] })),
        anonymous: body.anonymous ?? false,
        hide_votes: body.hide_votes ?? false,
        created_by: 'API',
      },
    });
  });
}
