// Sets up the local RealtimeKit: signing key, webhook dispatcher, download links, participant tokens, the session
// engine, every REST route, /.well-known/webhooks.json, /__downloads and the webhook control routes.
import { randomBytes } from 'node:crypto';
import { json } from '../http/cf-envelope.mjs';
import { WebhookSigningKey } from './webhook-signing-key.mjs';
import { WebhookDispatcher } from './webhook-dispatcher.mjs';
import { DownloadLinks } from './downloads.mjs';
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
  openRouter.add('GET', '/__downloads/:token/:file', {}, ({ params }) => downloads.serve(params.token));

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
      .map((d) => (withBody ? { ...d, body: JSON.parse(d.body) } : { ...d, body: undefined }));
    return json(200, { deliveries: list });
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
