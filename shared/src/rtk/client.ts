import { type RtkActiveSessionApi, activeSessionApi } from './active-session';
import { type RtkAnalyticsApi, analyticsApi } from './analytics';
import { type RtkLivestreamsApi, livestreamsApi } from './livestreams';
import { type RtkMeetingsApi, meetingsApi } from './meetings';
import { type RtkParticipantsApi, participantsApi } from './participants';
import { type RtkPresetsApi, presetsApi } from './presets';
import { type RtkRecordingsApi, recordingsApi } from './recordings';
import { type RtkSessionsApi, sessionsApi } from './sessions';
import { createTransport } from './transport';
import { type RtkWebhooksApi, webhooksApi } from './webhooks';

export interface RtkClientConfig {
  /** `https://api.cloudflare.com/client/v4` in production; the local cloud's in dev and tests. */
  apiBase: string;
  accountId: string;
  appId: string;
  /** A Cloudflare API token with the Realtime (read) or Realtime Admin permission. */
  apiToken: string;
  fetch?: typeof fetch;
  /** Per attempt. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls after a network error, timeout, 5xx or 429. Default 2. */
  retries?: number;
}

/** The RealtimeKit REST API (rtk.md §1), one typed method per route the platform uses. */
export interface RtkClient {
  meetings: RtkMeetingsApi;
  participants: RtkParticipantsApi;
  activeSession: RtkActiveSessionApi;
  presets: RtkPresetsApi;
  recordings: RtkRecordingsApi;
  livestreams: RtkLivestreamsApi;
  sessions: RtkSessionsApi;
  webhooks: RtkWebhooksApi;
  analytics: RtkAnalyticsApi;
}

export function createRtkClient(config: RtkClientConfig): RtkClient {
  const transport = createTransport(config);
  return {
    meetings: meetingsApi(transport),
    participants: participantsApi(transport),
    activeSession: activeSessionApi(transport),
    presets: presetsApi(transport),
    recordings: recordingsApi(transport),
    livestreams: livestreamsApi(transport),
    sessions: sessionsApi(transport),
    webhooks: webhooksApi(transport),
    analytics: analyticsApi(transport),
  };
}
