// Control routes of the local RealtimeKit (no auth; dev/test only): the webhook delivery log and waiting for it
// to drain, sending a body of the caller's choosing, and peers joining and leaving.
import { json } from '../http/cf-envelope.ts';
import { isPlainObject } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';
import type { StateStore } from '../state/store.ts';
import type { SessionEngine } from './session-engine.ts';
import type { WebhookDispatcher } from './webhook-dispatcher.ts';

/** A logged body as JSON, or as its text when it is not JSON (a body sent with `webhooks/send`). */
const bodyOf = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

const notFound = (message: string) => json(404, { success: false, error: { code: 404, message } });

/** A JSON object body, or null (none, or not an object). */
const jsonObject = async (request: Request) => {
  const input: unknown = await request.json().catch(() => null);
  return isPlainObject(input) ? input : null;
};

export function registerRtkControlRoutes(
  router: Router,
  { store, dispatcher, sessions }: { store: StateStore; dispatcher: WebhookDispatcher; sessions: SessionEngine },
): void {
  router.add('GET', '/__local/rtk/webhook-deliveries', {}, ({ url }) => {
    const event = url.searchParams.get('event');
    const status = url.searchParams.get('status');
    const webhookId = url.searchParams.get('webhook_id');
    const withBody = url.searchParams.get('include_body') === 'true';
    const list = dispatcher.log
      .filter(
        (d) =>
          (!event || d.event === event) &&
          (!status || d.status === status) &&
          (!webhookId || d.webhook_id === webhookId),
      )
      .map((d) => ({ ...d, body: withBody ? bodyOf(d.body) : undefined }));
    return json(200, { deliveries: list });
  });
  // Sends a body of the caller's choosing, signed and delivered like any other: { body } (JSON with `event`)
  // or { event, raw } (any text).
  router.add('POST', '/__local/rtk/apps/:appId/webhooks/send', {}, async ({ params, request }) => {
    const input = (await jsonObject(request)) ?? {};
    const { body, raw } = input;
    const event = raw === undefined ? (isPlainObject(body) ? body.event : undefined) : input.event;
    if (typeof event !== 'string' || (raw !== undefined && typeof raw !== 'string'))
      return json(400, {
        success: false,
        error: { code: 400, message: 'send { body: { event, … } } or { event, raw }' },
      });
    const deliveries = dispatcher.emitRaw(params.appId, event, raw ?? JSON.stringify(body));
    return json(200, { deliveryIds: deliveries.map((d) => d.id) });
  });
  router.add('POST', '/__local/rtk/webhook-deliveries/wait', {}, async () => {
    await dispatcher.idle();
    return json(200, { idle: true });
  });
  // Body (optional): { at?, peerId? }.
  router.add('POST', '/__local/rtk/participants/:participantId/join', {}, async ({ params, request }) => {
    const participant = store.data.rtk.participants.find((p) => p.id === params.participantId);
    if (!participant) return notFound('participant not found');
    const { at, peerId } = (await jsonObject(request)) ?? {};
    const { peer, session } = sessions.join(participant.meeting_id, participant.id, {
      at: typeof at === 'string' || typeof at === 'number' ? at : undefined,
      peerId: typeof peerId === 'string' ? peerId : undefined,
    });
    return json(200, { peer, session_id: session.id });
  });
  router.add('POST', '/__local/rtk/peers/:peerId/leave', {}, ({ params }) => {
    const session = store.data.rtk.sessions.find(
      (s) => s.status === 'LIVE' && s.peers.some((p) => p.peer_id === params.peerId && !p.left_at),
    );
    if (!session) return notFound('peer not in a live session');
    return json(200, { peer: sessions.leave(session.meeting_id, params.peerId) });
  });
}
