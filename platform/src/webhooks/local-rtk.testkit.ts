/**
 * Test kit (imported only by tests): RealtimeKit as the local cloud plays it, for the webhook, post-meeting,
 * analytics, diagnostics and notification tests. Nothing here stands in for RTK; it only wires the test to it.
 *
 * Each test file gets an RTK app of its own in the shared local cloud, and the platform registers its webhook
 * there with its own code (`ensureWebhookRegistered`). The Worker under test is not an HTTP server the local
 * cloud could call, so its public URL (`APP_BASE_URL`) is a channel of the capture server: the local cloud
 * delivers there exactly as RTK delivers (signed with its key, `rtk-uuid`, `rtk-webhook-id`, in its order, with
 * the session player's duplicates, reordering and drops), and `deliver` hands each delivery to the Worker with
 * `app.request`, its bytes and headers unchanged. That was simpler than tunnelling RTK's requests into workerd
 * and changes nothing the Worker sees. What the Worker says back does not reach RTK: where a test makes it answer
 * 5xx, it redelivers the same bytes and uuid itself, as RTK's retry would.
 *
 * Everything else is the real thing: the Worker fetches the signing key from RTK_WEBHOOK_KEYS_URL, downloads
 * transcripts, summaries and chat from the local cloud's expiring URLs, calls its REST API (recordings, sessions,
 * summaries), and sends mail to its mail sink. RTK failures are the local cloud's fault injection, in a fault set
 * named after the app, so files running in parallel never see or replace each other's rules.
 */
import { env } from 'cloudflare:test';
import { expect, inject } from 'vitest';
import { newId } from '@castio/shared/ids';
import type { RtkClient } from '@castio/shared/rtk';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import { call, localCloudUrl, multiOrgEnv, type Session } from '../../test/helpers';
import type { Env } from '../env';
import type { FaultRule } from '@castio/local-cloud/faults';
import { ensureWebhookRegistered } from './registration';
import { type RtkDelivery, deliveryCollector } from './rtk-deliveries.testkit';
import type { PlayedSession } from './session-truth.testkit';

export type { RtkDelivery } from './rtk-deliveries.testkit';

/** A meeting known to both sides: our row and its RTK meeting. */
export interface TestMeeting {
  id: string;
  rtkMeetingId: string;
}

/** The session player's options (scripts/local-cloud/README.md, "Session player"). */
export interface PlayOptions {
  participantIds?: string[];
  participants?: number;
  minutes?: number;
  record?: boolean;
  recordingOutcome?: 'UPLOADED' | 'ERRORED';
  livestream?: boolean;
  chatMessages?: number;
  transcript?: boolean;
  summary?: boolean;
  duplicate?: boolean;
  reorder?: boolean;
  drop?: boolean;
  seed?: number;
  urlTtlSeconds?: number;
}

/** Posts to one of the local cloud's control routes and returns its JSON answer. */
export async function control<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${localCloudUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json<T>();
}

/** A new RTK app in the local cloud (with RTK's default presets and no webhook); returns its id. */
export async function createRtkApp(name: string): Promise<string> {
  const response = await fetch(`${multiOrgEnv.RTK_API_BASE}/accounts/${multiOrgEnv.ACCOUNT_ID}/realtime/kit/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${multiOrgEnv.RTK_API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(201);
  return (await response.json<{ data: { app: { id: string } } }>()).data.app.id;
}

/** An RTK app's own fault rules in the local cloud: other files' rules (in their own sets) stay as they are. */
export function faultSetOf(appId: string) {
  const faultSet = `${localCloudUrl}/__local/faults/sets/${appId}`;
  return {
    /** Replaces this app's fault rules. */
    async setFaults(rules: FaultRule[]) {
      const response = await fetch(faultSet, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seed: 1, rules }),
      });
      expect(response.status).toBe(200);
    },
    clearFaults: async () => {
      await fetch(faultSet, { method: 'DELETE' });
    },
  };
}

/** How the platform names a person to RTK (meetings/join.ts): our user id, never PII. */
export const personOf = (session: Session) => ({
  name: session.user.name,
  customParticipantId: `user:${session.user.id}`,
});

/**
 * A test file's RTK: its own app with the platform's webhook registered, the platform env pointing at it, and
 * helpers to make things happen there and hand what RTK sends to the Worker.
 */
export async function localRtk(name: string, overrides: Partial<Env> = {}) {
  const appId = await createRtkApp(name);
  const publicUrl = `${inject('captureServerUrl')}/channels/${appId}`;
  const testEnv: Env = {
    ...multiOrgEnv,
    RTK_APP_ID: appId,
    APP_BASE_URL: publicUrl,
    MAIL_API_URL: `${localCloudUrl}/__local/mail`,
    ...overrides,
  };
  expect(await ensureWebhookRegistered(testEnv)).toBe('created');
  const rtk: RtkClient = rtkClientFromEnv(testEnv)!;
  const webhook = (await rtk.webhooks.list()).find((hook) => hook.url === `${publicUrl}/webhooks/rtk`)!;
  const deliveries = deliveryCollector(appId, webhook.id);

  return {
    env: testEnv,
    appId,
    rtk,
    collect: deliveries.collect,

    /** An RTK meeting and our row for it, inserted directly (the meetings API belongs to another module). */
    async meeting(
      owner: Session,
      options: { title?: string; meetingType?: string; schedulingType?: string; createdBy?: string } = {},
    ) {
      const title = options.title ?? 'Weekly sync';
      const room = await rtk.meetings.create({ title });
      const id = newId();
      await env.DB.prepare(
        `INSERT INTO meetings (id, org_id, rtk_meeting_id, title, slug, meeting_type, scheduling_type, status, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)`,
      )
        .bind(
          id,
          owner.org.id,
          room.id,
          title,
          `s-${id.toLowerCase()}`,
          options.meetingType ?? 'video',
          options.schedulingType ?? 'instant',
          options.createdBy ?? owner.user.id,
        )
        .run();
      return { id, rtkMeetingId: room.id } satisfies TestMeeting;
    },

    /** Adds someone to the RTK meeting as the join flow does; returns their RTK participant id. */
    async participant(meeting: TestMeeting, who: { name: string; customParticipantId: string }) {
      const added = await rtk.participants.add(meeting.rtkMeetingId, {
        ...who,
        presetName: 'group_call_participant',
      });
      return added.id;
    },

    /** Plays a whole session (the session player) and collects what RTK delivered for it, in its order. */
    async play(meeting: TestMeeting, options: PlayOptions = {}) {
      const truth = await control<PlayedSession>('/__local/rtk/sessions/play', {
        ...options,
        meetingId: meeting.rtkMeetingId,
        waitMs: 0,
      });
      return { truth, deliveries: await deliveries.collect() };
    },

    /** A participant joins live (a new peer; the first one starts a session); returns what RTK delivered. */
    async join(participantId: string) {
      const joined = await control<{ peer: { peer_id: string }; session_id: string }>(
        `/__local/rtk/participants/${participantId}/join`,
      );
      return { peerId: joined.peer.peer_id, sessionId: joined.session_id, deliveries: await deliveries.collect() };
    },

    /** A peer leaves (the last one leaving ends the session); returns what RTK delivered. */
    async leave(peerId: string) {
      await control(`/__local/rtk/peers/${peerId}/leave`);
      return deliveries.collect();
    },

    /** RTK sends a body of the test's choosing (another shape, or not JSON), signed like any other delivery. */
    async send(input: { body: { event: string; [field: string]: unknown } } | { event: string; raw: string }) {
      await control(`/__local/rtk/apps/${appId}/webhooks/send`, input);
      return deliveries.collect();
    },

    /**
     * Hands one delivery to the Worker, as RTK sends it unless `uuid` or `webhookId` change the unsigned
     * `rtk-uuid` / `rtk-webhook-id` headers (null: no such header), as a replay of the signed body could.
     */
    deliver(
      delivery: RtkDelivery,
      options: { env?: Env; uuid?: string | null; webhookId?: string | null; path?: string } = {},
    ) {
      const headers = { ...delivery.headers };
      for (const [name, value] of [
        ['rtk-uuid', options.uuid],
        ['rtk-webhook-id', options.webhookId],
      ] as const) {
        if (value === null) delete headers[name];
        else if (value) headers[name] = value;
      }
      return call('POST', options.path ?? '/webhooks/rtk', {
        rawBody: delivery.body,
        headers,
        env: options.env ?? testEnv,
      });
    },

    /** Glob of an RTK REST path of this app, for fault rules: `api('/recordings/*')`. */
    api: (rest: string) => `/client/v4/accounts/*/realtime/kit/${appId}${rest}`,

    ...faultSetOf(appId),
  };
}

export type LocalRtk = Awaited<ReturnType<typeof localRtk>>;

/** The glob of a session's download URL path (`kind`: transcript, summary or chat), for `download` fault rules. */
export const downloadPath = (kind: 'transcript' | 'summary' | 'chat', rtkSessionId: string) =>
  `/__downloads/*/${kind}-${rtkSessionId}.*`;
