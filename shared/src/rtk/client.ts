import { type RtkActiveSessionApi, activeSessionApi } from './active-session';
import { type RtkAnalyticsApi, analyticsApi } from './analytics';
import { type RtkLivestreamsApi, livestreamsApi } from './livestreams';
import { type RtkMeetingsApi, meetingsApi } from './meetings';
import { type RtkParticipantsApi, participantsApi } from './participants';
import { type RtkPresetsApi, presetsApi } from './presets';
import { type RtkRecordingsApi, recordingsApi } from './recordings';
import { type RtkSessionsApi, sessionsApi } from './sessions';
import { createTransport, type RtkClientConfig } from './transport';
import { type RtkWebhooksApi, webhooksApi } from './webhooks';

export type { RtkClientConfig } from './transport';

/** The RealtimeKit REST API (docs/rtk.md), one typed method per route the platform uses. */
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
