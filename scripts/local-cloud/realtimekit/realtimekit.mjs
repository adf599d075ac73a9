// Sets up the local RealtimeKit: signing key, webhook dispatcher, download links, participant tokens, the session
// engine, every REST route, /.well-known/webhooks.json, /__downloads and the webhook control routes.
import { randomBytes } from 'node:crypto';
import { json } from '../http/cf-envelope.ts';
import { WebhookSigningKey } from './webhook-signing-key.mjs';
import { WebhookDispatcher } from './webhook-dispatcher.mjs';
import { DownloadLinks, xmlError } from './downloads.mjs';
import { injectedAnswer } from '../faults/fault-plan.ts';
import { ParticipantTokens } from './participant-token.mjs';
import { SessionEngine, fakeRecordingSize } from './session-engine.mjs';
import { chatFile, hlsPlaylist, recordingFile, transcriptFile } from './artifact-files.mjs';
import { createApp, registerAppAndPresetRoutes } from './apps-presets-routes.mjs';
import { registerMeetingRoutes } from './meetings-routes.mjs';
import { registerSessionRoutes } from './sessions-routes.mjs';
import { registerRecordingRoutes } from './recordings-routes.mjs';
import { registerLivestreamRoutes } from './livestreams-routes.mjs';
import { registerWebhookRoutes } from './webhooks-routes.mjs';
import { registerAnalyticsRoutes } from './analytics-routes.mjs';

/** A logged body as JSON, or as its text when it is not JSON (a body sent with `webhooks/send`). */
const bodyOf = (raw) => {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

/** @param {any} context the local cloud's context (see ../index.mjs) */
export function setUpRealtimeKit(context) {
  const { store, stateDir, faults, apiRouter, openRouter, options } = context;
  if (!store.data.localSecrets)
    store.transact((s) => {
      s.localSecrets = {
        downloads: randomBytes(32).toString('hex'),
        participantTokens: randomBytes(32).toString('hex'),
      };
    });
  if (!store.data.rtk.apps.length) createApp(store, 'Castio local app');

  const key = new WebhookSigningKey(stateDir);
  const dispatcher = new WebhookDispatcher({ store, key, stateDir, faults, retry: options.webhookRetry });
  const find = (list, id) => store.data.rtk[list].find((x) => x.id === id);
  const downloads = new DownloadLinks({
    secret: store.data.localSecrets.downloads,
    baseUrl: () => context.url,
    render: (kind, id, format) => {
      if (kind === 'recording' || kind === 'recording-audio') {
        const rec = find('recordings', id);
        return rec ? recordingFile(rec.file_size ?? fakeRecordingSize(rec.recording_duration)) : null;
      }
      if (kind === 'hls') return find('livestreams', id) ? hlsPlaylist() : null;
      const session = find('sessions', id);
      if (!session) return null;
      if (kind === 'transcript') return transcriptFile(session, format);
      if (kind === 'summary') return session.summary ? { type: 'text/markdown', body: session.summary } : null;
      if (kind === 'chat') return chatFile(session);
      return null;
    },
  });
  const tokens = new ParticipantTokens(store.data.localSecrets.participantTokens);
  const engine = new SessionEngine({ store, downloads, emit: (appId, body) => dispatcher.emit(appId, body) });
  const deps = { store, engine, downloads, tokens, dispatcher };

  registerAppAndPresetRoutes(apiRouter, deps);
  registerMeetingRoutes(apiRouter, deps);
  registerSessionRoutes(apiRouter, deps);
  registerRecordingRoutes(apiRouter, deps);
  registerLivestreamRoutes(apiRouter, deps);
  registerWebhookRoutes(apiRouter, deps);
  registerAnalyticsRoutes(apiRouter, deps);

  openRouter.add('GET', '/.well-known/webhooks.json', {}, () =>
    json(200, { success: true, data: { publicKey: key.publicKeyPem }, message: 'Public key fetched successfully' }),
  );
  // Downloads can fail like any storage (fault target `download`, path = this URL's path).
  openRouter.add(
    'GET',
    '/__downloads/:token/:file',
    {},
    async ({ params, url }) =>
      (await injectedAnswer(faults, 'download', 'GET', url.pathname, (status, message) =>
        xmlError(status, 'InternalError', message),
      )) ?? downloads.serve(params.token),
  );

  openRouter.add('GET', '/__local/rtk/webhook-deliveries', {}, ({ url }) => {
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
      .map((d) => (withBody ? { ...d, body: bodyOf(d.body) } : { ...d, body: undefined }));
    return json(200, { deliveries: list });
  });
  // Sends a body of the caller's choosing, signed and delivered like any other: { body } (JSON with `event`)
  // or { event, raw } (any text).
  openRouter.add('POST', '/__local/rtk/apps/:appId/webhooks/send', {}, async ({ params, request }) => {
    const input = await request.json().catch(() => null);
    const event = input?.raw === undefined ? input?.body?.event : input?.event;
    if (typeof event !== 'string' || (input.raw !== undefined && typeof input.raw !== 'string'))
      return json(400, {
        success: false,
        error: { code: 400, message: 'send { body: { event, … } } or { event, raw }' },
      });
    const raw = input.raw ?? JSON.stringify(input.body);
    const deliveries = dispatcher.emitRaw(params.appId, event, raw);
    return json(200, { deliveryIds: deliveries.map((d) => d.id) });
  });
  openRouter.add('POST', '/__local/rtk/webhook-deliveries/wait', {}, async () => {
    await dispatcher.idle();
    return json(200, { idle: true });
  });
  openRouter.add('POST', '/__local/rtk/participants/:participantId/join', {}, async ({ params, request }) => {
    const participant = find('participants', params.participantId);
    if (!participant) return json(404, { success: false, error: { code: 404, message: 'participant not found' } });
    const { peer, session } = engine.join(
      participant.meeting_id,
      participant.id,
      await request.json().catch(() => ({})),
    );
    return json(200, { peer, session_id: session.id });
  });
  openRouter.add('POST', '/__local/rtk/peers/:peerId/leave', {}, ({ params }) => {
    const session = store.data.rtk.sessions.find(
      (s) => s.status === 'LIVE' && s.peers.some((p) => p.peer_id === params.peerId && !p.left_at),
    );
    if (!session) return json(404, { success: false, error: { code: 404, message: 'peer not in a live session' } });
    return json(200, { peer: engine.leave(session.meeting_id, params.peerId) });
  });

  context.rtk = { key, dispatcher, downloads, tokens, engine };
  context.rtkInfo = () => ({
    apiBase: context.apiBase,
    accountId: store.data.account.id,
    appId: store.data.rtk.apps[0].id,
    token: store.data.tokens.find((t) => t.primary).value,
    webhookKeysBase: context.url,
    webhookKeysUrl: `${context.url}/.well-known/webhooks.json`,
    downloadOrigin: context.url,
  });
  context.closers.push(async () => {
    engine.close();
    await dispatcher.close();
  });
  return context.rtk;
}
