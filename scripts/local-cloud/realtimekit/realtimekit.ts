// Sets up the local RealtimeKit: signing key, webhook dispatcher, download links, participant tokens, the
// engines (sessions, recordings, livestreams, post-meeting files), every REST route, /.well-known/webhooks.json,
// /__downloads and the RTK control routes.
import { randomBytes } from 'node:crypto';
import { type FaultPlan, injectedAnswer } from '../faults/fault-plan.ts';
import { json } from '../http/cf-envelope.ts';
import type { Router } from '../http/router.ts';
import type { StateStore } from '../state/store.ts';
import { registerActiveSessionRoutes } from './active-session-routes.ts';
import { registerAnalyticsRoutes } from './analytics-routes.ts';
import { createApp, registerAppAndPresetRoutes } from './apps-presets-routes.ts';
import { chatFile, hlsPlaylist, recordingFile, transcriptFile } from './artifact-files.ts';
import { DownloadLinks, type Render, xmlError } from './downloads.ts';
import { EngineContext } from './engine-context.ts';
import { LivestreamEngine } from './livestream-engine.ts';
import { registerLivestreamRoutes } from './livestreams-routes.ts';
import { registerMeetingRoutes } from './meetings-routes.ts';
import { ParticipantTokens } from './participant-token.ts';
import { fakeRecordingSize, RecordingEngine } from './recording-engine.ts';
import { registerRecordingRoutes } from './recordings-routes.ts';
import { registerRtkControlRoutes } from './rtk-control-routes.ts';
import { SessionArtifacts } from './session-artifacts.ts';
import { SessionEngine } from './session-engine.ts';
import { registerSessionRoutes } from './sessions-routes.ts';
import { type RetryPolicy, WebhookDispatcher } from './webhook-dispatcher.ts';
import { WebhookSigningKey } from './webhook-signing-key.ts';
import { registerWebhookRoutes } from './webhooks-routes.ts';

export interface RealtimeKit {
  key: WebhookSigningKey;
  dispatcher: WebhookDispatcher;
  downloads: DownloadLinks;
  tokens: ParticipantTokens;
  /** Its `recordings`, `livestreams`, `artifacts` and shared `context` too. */
  sessions: SessionEngine;
  close(): Promise<void>;
}

export interface RealtimeKitDeps {
  store: StateStore;
  stateDir: string;
  faults: FaultPlan;
  apiRouter: Router;
  openRouter: Router;
  webhookRetry?: Partial<RetryPolicy>;
  /** The local cloud's URL (known once it listens), which download links start with. */
  url: () => string;
}

/** Made once, kept in the state: they sign download URLs and participant tokens. */
function localSecrets(store: StateStore) {
  const kept = store.data.localSecrets;
  if (kept) return kept;
  const made = { downloads: randomBytes(32).toString('hex'), participantTokens: randomBytes(32).toString('hex') };
  store.transact((s) => {
    s.localSecrets = made;
  });
  return made;
}

/** The file behind a download link, made from the state when asked for. */
const renderDownload =
  (store: StateStore): Render =>
  (kind, id, format) => {
    const rtk = store.data.rtk;
    if (kind === 'recording' || kind === 'recording-audio') {
      const rec = rtk.recordings.find((r) => r.id === id);
      return rec ? recordingFile(rec.file_size ?? fakeRecordingSize(rec.recording_duration)) : null;
    }
    if (kind === 'hls') return rtk.livestreams.some((l) => l.id === id) ? hlsPlaylist() : null;
    const session = rtk.sessions.find((s) => s.id === id);
    if (!session) return null;
    if (kind === 'transcript') return transcriptFile(session, format);
    if (kind === 'summary') return session.summary ? { type: 'text/markdown', body: session.summary } : null;
    return chatFile(session);
  };

export function setUpRealtimeKit({
  store,
  stateDir,
  faults,
  apiRouter,
  openRouter,
  webhookRetry,
  url,
}: RealtimeKitDeps): RealtimeKit {
  const secrets = localSecrets(store);
  if (!store.data.rtk.apps.length) createApp(store, 'Castio local app');

  const key = new WebhookSigningKey(stateDir);
  const dispatcher = new WebhookDispatcher({ store, key, stateDir, faults, retry: webhookRetry });
  const downloads = new DownloadLinks({ secret: secrets.downloads, baseUrl: url, render: renderDownload(store) });
  const tokens = new ParticipantTokens(secrets.participantTokens);
  const context = new EngineContext({ store, downloads, emit: (appId, body) => dispatcher.emit(appId, body) });
  const recordings = new RecordingEngine(context);
  const livestreams = new LivestreamEngine(context);
  const artifacts = new SessionArtifacts(context);
  const sessions = new SessionEngine({ context, recordings, livestreams, artifacts });

  registerAppAndPresetRoutes(apiRouter, { store });
  registerMeetingRoutes(apiRouter, { store, sessions, tokens });
  registerActiveSessionRoutes(apiRouter, { store, sessions });
  registerSessionRoutes(apiRouter, { store, artifacts, downloads });
  registerRecordingRoutes(apiRouter, { store, recordings });
  registerLivestreamRoutes(apiRouter, { store, livestreams });
  registerWebhookRoutes(apiRouter, { store });
  registerAnalyticsRoutes(apiRouter, { store });

  openRouter.add('GET', '/.well-known/webhooks.json', {}, () =>
    json(200, { success: true, data: { publicKey: key.publicKeyPem }, message: 'Public key fetched successfully' }),
  );
  // Downloads can fail like any storage (fault target `download`, path = this URL's path).
  openRouter.add(
    'GET',
    '/__downloads/:token/:file',
    {},
    async ({ params, url: requestUrl }) =>
      (await injectedAnswer(faults, 'download', 'GET', requestUrl.pathname, (status, message) =>
        xmlError(status, 'InternalError', message),
      )) ?? downloads.serve(params.token),
  );
  registerRtkControlRoutes(openRouter, { store, dispatcher, sessions });

  return {
    key,
    dispatcher,
    downloads,
    tokens,
    sessions,
    async close() {
      recordings.close();
      await dispatcher.close();
    },
  };
}
