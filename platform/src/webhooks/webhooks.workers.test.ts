import * as Sentry from '@sentry/cloudflare';
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { base64Encode } from '@castio/shared/encoding';
import { RTK_EVENT_TYPES } from '@castio/shared/rtk';
import { addMember, call, createOrg, localCloudUrl, multiOrgEnv, type Session } from '../../test/helpers';
import type { Env } from '../env';
import worker from '../index';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import { retryPendingEvents } from './ingest';
import { createRtkApp, downloadPath, type LocalRtk, localRtk, personOf, type RtkDelivery } from './local-rtk.testkit';
import { resetKeyRefetchThrottle } from './public-key';
import { ensureWebhookRegistered } from './registration';
import { channelRequests } from './rtk-deliveries.testkit';
import { expectedSessionRow } from './session-truth.testkit';

let rtk: LocalRtk;
let owner: Session;
let member: Session;

beforeAll(async () => {
  rtk = await localRtk('webhooks');
  owner = await createOrg('hooks');
  member = await addMember(owner, 'member');
});
beforeEach(() => resetKeyRefetchThrottle());

const count = async (sql: string, ...values: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...values)
    .first<{ n: number }>())!.n;

/** The member joins a new meeting live; RTK's meeting.started and participantJoined, as it delivered them. */
async function liveMeeting(options: { schedulingType?: string } = {}) {
  const meeting = await rtk.meeting(owner, options);
  const joined = await rtk.join(await rtk.participant(meeting, personOf(member)));
  const [started, participantJoined] = joined.deliveries as [RtkDelivery, RtkDelivery];
  return { meeting, started, participantJoined, sessionId: joined.sessionId, peerId: joined.peerId };
}

/** A key that is not RTK's: what a forger (or RTK's retired key) signs with. */
async function otherKey() {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const spki = new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer);
  return {
    pem: `-----BEGIN PUBLIC KEY-----\n${base64Encode(spki)}\n-----END PUBLIC KEY-----\n`,
    sign: async (body: string) =>
      base64Encode(
        new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, new TextEncoder().encode(body))),
      ),
  };
}

const KEY_CACHE = 'cache:rtk:webhook-public-key';
/** RTK_WEBHOOK_KEYS_URL where no key is published: any attempt to fetch the key fails. */
const noKeyEnv = () => ({ ...rtk.env, RTK_WEBHOOK_KEYS_URL: `${localCloudUrl}/no-key-here` });
const rtkPublicKey = async () =>
  (await (await fetch(`${localCloudUrl}/.well-known/webhooks.json`)).json<{ data: { publicKey: string } }>()).data
    .publicKey;

describe('webhook authenticity', () => {
  it('accepts RTK’s signature over the raw bytes and refuses everything else with 401', async () => {
    const { started, sessionId } = await liveMeeting();
    const signature = started.headers['rtk-signature']!;
    const forger = await otherKey();
    const raw = started.body;
    const before = await count('SELECT COUNT(*) AS n FROM webhook_events');
    for (const [label, body, sig] of [
      ['flipped byte', `${raw.slice(0, -2)}${raw.at(-2) === '"' ? ' ' : '"'}}`, signature],
      ['re-serialised JSON', JSON.stringify(JSON.parse(raw), null, 2), signature],
      ['other key', raw, await forger.sign(raw)],
      ['missing', raw, null],
      ['garbage', raw, '!!!not-base64!!!'],
      ['truncated', raw, signature.slice(0, 40)],
    ] as const) {
      const { 'rtk-signature': _real, ...unsigned } = started.headers;
      const headers = sig ? { ...unsigned, 'rtk-signature': sig } : unsigned;
      const response = await rtk.deliver({ ...started, body, headers });
      expect(response.status, label).toBe(401);
      expect((await response.json<{ error: { code: string } }>()).error.code).toBe('invalid_signature');
    }
    expect(await count('SELECT COUNT(*) AS n FROM webhook_events')).toBe(before);
    expect((await rtk.deliver(started)).status).toBe(200);
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE rtk_session_id = ?', sessionId)).toBe(1);
  });

  it('refuses bodies over 1 MB with 413 before reading them', async () => {
    const { started } = await liveMeeting();
    const big = JSON.stringify({ event: 'meeting.started', padding: 'x'.repeat(1_100_000) });
    for (const path of ['/webhooks/rtk', '/api/webhooks/rtk']) {
      const response = await rtk.deliver({ ...started, body: big }, { path });
      expect(response.status).toBe(413);
      expect((await response.json<{ error: { code: string } }>()).error.code).toBe('payload_too_large');
    }
  });

  it('serves the /api alias identically', async () => {
    const { started, participantJoined } = await liveMeeting();
    expect((await rtk.deliver(started, { path: '/api/webhooks/rtk' })).status).toBe(200);
    const { 'rtk-signature': _signature, ...unsigned } = participantJoined.headers;
    const bad = await rtk.deliver({ ...participantJoined, headers: unsigned }, { path: '/api/webhooks/rtk' });
    expect(bad.status).toBe(401);
  });

  it('keeps RTK’s key in KV, takes a rotated key once, and refetches for forgeries at most once a minute', async () => {
    const first = await liveMeeting();
    expect((await rtk.deliver(first.started)).status).toBe(200);
    expect(await env.KV_CACHE.get(KEY_CACHE)).toBe(await rtkPublicKey());
    // Served from the cache: nothing needs the key endpoint.
    expect((await rtk.deliver(first.participantJoined, { env: noKeyEnv() })).status).toBe(200);

    // We still hold a key RTK has retired: RTK's new signature fails with it, so the key is fetched again.
    const retired = await otherKey();
    await env.KV_CACHE.put(KEY_CACHE, retired.pem);
    resetKeyRefetchThrottle();
    const second = await liveMeeting();
    expect((await rtk.deliver(second.started)).status).toBe(200);
    expect(await env.KV_CACHE.get(KEY_CACHE)).toBe(await rtkPublicKey());

    // A forgery signed with the retired key: one refetch (the same key comes back), 401 ...
    resetKeyRefetchThrottle();
    const forged = { ...second.participantJoined, headers: { ...second.participantJoined.headers } };
    forged.headers['rtk-signature'] = await retired.sign(forged.body);
    expect((await rtk.deliver(forged)).status).toBe(401);
    // ... and within the minute no second fetch: with no key to be had it would answer 503, not 401.
    expect((await rtk.deliver(forged, { env: noKeyEnv() })).status).toBe(401);
    resetKeyRefetchThrottle();
    expect((await rtk.deliver(forged, { env: noKeyEnv() })).status).toBe(503);
  });

  it('answers 503 (RTK retries) when no key can be obtained, storing nothing', async () => {
    const { started, sessionId } = await liveMeeting();
    await env.KV_CACHE.delete(KEY_CACHE);
    const response = await rtk.deliver(started, { env: noKeyEnv() });
    expect(response.status).toBe(503);
    expect(await count('SELECT COUNT(*) AS n FROM webhook_events WHERE rtk_session_id = ?', sessionId)).toBe(0);
    expect((await rtk.deliver(started)).status).toBe(200);
  });
});

describe('deduplication and storage', () => {
  it('stores a delivery once, whether RTK repeats the uuid or sends the same body under a new uuid', async () => {
    const { started, sessionId } = await liveMeeting();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await (await rtk.deliver(started)).json<{ duplicate: boolean }>());
    for (const uuid of [crypto.randomUUID(), null])
      answers.push(await (await rtk.deliver(started, { uuid })).json<{ duplicate: boolean }>());
    expect(answers.map((answer) => answer.duplicate)).toEqual([false, true, true, true, true]);
    expect(await count('SELECT COUNT(*) AS n FROM webhook_events WHERE rtk_session_id = ?', sessionId)).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM diagnostic_webhook_deliveries WHERE session_id = ?', sessionId)).toBe(
      1,
    );
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE rtk_session_id = ?', sessionId)).toBe(1);
  });

  /** The signature covers only the body, so a replay of a signed body may carry any rtk-uuid and rtk-webhook-id. */
  const replayHeaders = () => [
    { uuid: crypto.randomUUID(), webhookId: crypto.randomUUID() },
    { uuid: null, webhookId: null },
  ];
  const storedOf = async (rtkSessionId: string) => ({
    events: await count('SELECT COUNT(*) AS n FROM webhook_events WHERE rtk_session_id = ?', rtkSessionId),
    processed: await count(
      'SELECT COUNT(*) AS n FROM webhook_events WHERE rtk_session_id = ? AND processed = 1',
      rtkSessionId,
    ),
    deliveries: await count(
      'SELECT COUNT(*) AS n FROM diagnostic_webhook_deliveries WHERE session_id = ?',
      rtkSessionId,
    ),
  });

  it('stores a signed body once, whatever rtk-uuid and rtk-webhook-id its replays carry, or with neither', async () => {
    const { started, participantJoined, sessionId } = await liveMeeting();
    for (const delivery of [started, participantJoined]) expect((await rtk.deliver(delivery)).status).toBe(200);
    for (const delivery of [started, participantJoined]) {
      for (const headers of replayHeaders()) {
        const response = await rtk.deliver(delivery, headers);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ received: true, duplicate: true, eventId: null });
      }
    }
    expect(await storedOf(sessionId)).toEqual({ events: 2, processed: 2, deliveries: 2 });
  });

  it('stores and processes one of several identical deliveries that arrive at once', async () => {
    const { started, sessionId } = await liveMeeting();
    const answers = await Promise.all([
      rtk.deliver(started),
      rtk.deliver(started),
      ...replayHeaders().map((headers) => rtk.deliver(started, headers)),
      ...replayHeaders().map((headers) => rtk.deliver(started, headers)),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const bodies = await Promise.all(answers.map((answer) => answer.json<{ duplicate: boolean }>()));
    expect(bodies.filter((body) => !body.duplicate)).toHaveLength(1);
    expect(await storedOf(sessionId)).toEqual({ events: 1, processed: 1, deliveries: 1 });
  });

  it('records events for meetings it does not know, and touches nothing else', async () => {
    const room = await rtk.rtk.meetings.create({ title: 'Not ours' });
    const unknown = await rtk.join(await rtk.participant({ id: '', rtkMeetingId: room.id }, personOf(member)));
    expect((await rtk.deliver(unknown.deliveries[0]!)).status).toBe(200);
    const row = await env.DB.prepare(
      'SELECT org_id, processed, error_message FROM webhook_events WHERE rtk_session_id = ?',
    )
      .bind(unknown.sessionId)
      .first();
    expect(row).toEqual({ org_id: null, processed: 1, error_message: expect.stringMatching(/^ignored/) });
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE rtk_session_id = ?', unknown.sessionId)).toBe(0);
  });

  it('keeps a signed body it cannot parse (200, never a lost 4xx) and dead-letters a poison event', async () => {
    const { started, sessionId } = await liveMeeting();
    const [broken] = await rtk.send({ event: 'meeting.started', raw: '{"event": "meeting.started", ' });
    expect((await rtk.deliver(broken!)).status).toBe(200);
    const { meeting } = JSON.parse(started.body) as { meeting: unknown };
    const [poison] = await rtk.send({ body: { event: 'meeting.participantJoined', meeting, participant: {} } });
    expect((await rtk.deliver(poison!)).status).toBe(200);
    const deliveries = await env.DB.prepare(
      'SELECT status, error_message FROM diagnostic_webhook_deliveries WHERE session_id = ?',
    )
      .bind(sessionId)
      .all<{ status: string; error_message: string }>();
    expect(deliveries.results).toEqual([
      { status: 'retry_exhausted', error_message: expect.stringMatching(/peer id/) },
    ]);
  });
});

describe('every §9.2 event', () => {
  it('turns a whole played session into the right rows', async () => {
    const meeting = await rtk.meeting(owner, { title: 'All events' });
    const { truth, deliveries } = await rtk.play(meeting, {
      participantIds: [await rtk.participant(meeting, personOf(member))],
      participants: 1,
      minutes: 30,
      record: true,
      livestream: true,
      seed: 5,
    });
    expect(new Set(deliveries.map((delivery) => delivery.event)).size).toBe(9);
    for (const delivery of deliveries) expect((await rtk.deliver(delivery)).status).toBe(200);

    const session = await env.DB.prepare('SELECT * FROM sessions WHERE rtk_session_id = ?')
      .bind(truth.sessionId)
      .first<{ id: string }>();
    expect(session).toMatchObject(expectedSessionRow(truth));
    const participants = await env.DB.prepare(
      'SELECT rtk_participant_id, user_id, is_guest FROM session_participants WHERE session_id = ?',
    )
      .bind(session!.id)
      .all();
    const [person, guest] = truth.participants;
    expect(participants.results).toEqual(
      expect.arrayContaining([
        { rtk_participant_id: person!.peerId, user_id: member.user.id, is_guest: 0 },
        { rtk_participant_id: guest!.peerId, user_id: null, is_guest: 1 },
      ]),
    );
    await expectRecording(truth.recording!.id, session!.id);
    await expectLivestream(truth.livestream!, deliveries);
    await expectCopies(truth.sessionId, session!.id);
    const meetingRow = await env.DB.prepare('SELECT status, actual_start, actual_end FROM meetings WHERE id = ?')
      .bind(meeting.id)
      .first();
    expect(meetingRow).toEqual({ status: 'ended', actual_start: truth.startedAt, actual_end: truth.endedAt });
    expect(await env.KV_MEETING_STATE.get(`active:${owner.org.id}:${meeting.id}`)).toBeNull();
    // One mail for the member (the only participant with an account), in the mail sink with the session's link.
    const mail = await env.DB.prepare(
      'SELECT user_id, recipient_email, status FROM notifications WHERE dedupe_key LIKE ?',
    )
      .bind(`%${session!.id}%`)
      .all();
    expect(mail.results).toEqual([{ user_id: member.user.id, recipient_email: member.user.email, status: 'sent' }]);
    const inbox = await fetch(`${localCloudUrl}/__local/mail?to=${encodeURIComponent(member.user.email)}`);
    const { messages } = await inbox.json<{ messages: { subject: string; text: string }[] }>();
    expect(messages.filter((sent) => sent.text.includes(`/meetings/${meeting.id}/sessions/${session!.id}`))).toEqual([
      expect.objectContaining({ subject: 'Meeting ended: All events' }),
    ]);
  });

  it('keeps a live session in KV meeting-state and counts participants in real time', async () => {
    const { meeting, started, participantJoined } = await liveMeeting({ schedulingType: 'permanent' });
    const second = await rtk.join(await rtk.participant(meeting, personOf(owner)));
    for (const delivery of [started, participantJoined, ...second.deliveries])
      expect((await rtk.deliver(delivery)).status).toBe(200);
    const state = JSON.parse((await env.KV_MEETING_STATE.get(`active:${owner.org.id}:${meeting.id}`))!);
    expect(state.participantCount).toBe(2);
    expect((await rtk.rtk.sessions.get(second.sessionId)).live_participants).toBe(2);
    const room = await env.DB.prepare('SELECT status, room_state FROM meetings WHERE id = ?').bind(meeting.id).first();
    expect(room).toEqual({ status: 'active', room_state: 'active' });
  });

  it('does not fetch download URLs outside the allowlist', async () => {
    const { started, sessionId } = await liveMeeting();
    const { meeting } = JSON.parse(started.body) as { meeting: unknown };
    const cloud = new URL(localCloudUrl);
    const trap = `${inject('captureServerUrl')}/allowlist-trap`;
    const urls = [
      `${trap}/t.json`,
      'https://evil.example/t.json',
      `https://${cloud.host}/__downloads/x/transcript.json`,
      `http://user:pw@${cloud.host}/__downloads/x/transcript.json`,
      'https://realtime.cloudflare.com.evil.example/t.json',
      'file:///etc/passwd',
    ];
    for (const url of urls) {
      const [delivery] = await rtk.send({ body: { event: 'meeting.transcript', meeting, transcriptDownloadUrl: url } });
      expect((await rtk.deliver(delivery!)).status).toBe(200);
    }
    const failures = await count(
      "SELECT COUNT(*) AS n FROM diagnostic_webhook_deliveries WHERE session_id = ? AND error_message LIKE '%allowlist%'",
      sessionId,
    );
    expect(failures).toBe(urls.length);
    const trapped = await (await fetch(`${inject('captureServerUrl')}/__received?prefix=/allowlist-trap`)).json();
    expect(trapped).toEqual([]);
  });
});

/** The recording with RTK's REST details (codec, size, duration), its history, and the session flag. */
async function expectRecording(rtkRecordingId: string, sessionId: string) {
  const atRtk = await rtk.rtk.recordings.get(rtkRecordingId);
  const recording = await env.DB.prepare(
    'SELECT id, status, codec, duration_seconds, file_size_bytes, session_id FROM recordings WHERE rtk_recording_id = ?',
  )
    .bind(rtkRecordingId)
    .first<{ id: string }>();
  expect(recording).toMatchObject({
    status: 'uploaded',
    codec: atRtk.video_config?.codec,
    duration_seconds: atRtk.recording_duration,
    file_size_bytes: atRtk.file_size,
    session_id: sessionId,
  });
  const history = await env.DB.prepare(
    'SELECT status FROM recording_status_events WHERE recording_id = ? ORDER BY status',
  )
    .bind(recording!.id)
    .all<{ status: string }>();
  expect(history.results.map((row) => row.status)).toEqual(['recording', 'uploaded', 'uploading']);
}

/** The livestream went live and offline, and its stream key never left the raw event. */
async function expectLivestream(livestream: { id: string; playbackUrl: string }, deliveries: RtkDelivery[]) {
  const row = await env.DB.prepare(
    'SELECT status, playback_url, started_at IS NOT NULL AS started, ended_at IS NOT NULL AS ended FROM livestreams WHERE rtk_livestream_id = ?',
  )
    .bind(livestream.id)
    .first();
  expect(row).toEqual({ status: 'OFFLINE', playback_url: livestream.playbackUrl, started: 1, ended: 1 });
  const streamKey = deliveries
    .filter((delivery) => delivery.event === 'livestreaming.statusUpdate')
    .map((delivery) => (JSON.parse(delivery.body) as { streamKey: string }).streamKey)[0]!;
  expect(streamKey.length).toBeGreaterThan(10);
  for (const table of ['livestreams', 'diagnostic_webhook_deliveries']) {
    const dump = JSON.stringify((await env.DB.prepare(`SELECT * FROM ${table}`).all()).results);
    expect(dump).not.toContain(streamKey);
  }
}

/** Transcript (final lines, RTK's words), summary (byte for byte) and chat, as RTK's REST API serves them. */
async function expectCopies(rtkSessionId: string, sessionId: string) {
  const download = async (url: string) => (await fetch(url)).text();
  const lines = JSON.parse(
    await download((await rtk.rtk.sessions.transcript(rtkSessionId, { format: 'JSON' })).transcript_download_url),
  ) as { transcript: string }[];
  const transcript = await env.DB.prepare('SELECT transcript_json FROM transcripts WHERE session_id = ?')
    .bind(sessionId)
    .first<{ transcript_json: string }>();
  expect((JSON.parse(transcript!.transcript_json) as { text: string }[]).map((entry) => entry.text).sort()).toEqual(
    lines.map((line) => line.transcript).sort(),
  );
  const summary = await env.DB.prepare('SELECT summary_markdown FROM summaries WHERE session_id = ?')
    .bind(sessionId)
    .first<{ summary_markdown: string }>();
  expect(summary!.summary_markdown).toBe(
    await download((await rtk.rtk.sessions.summary(rtkSessionId)).summaryDownloadUrl),
  );
  const csv = await download((await rtk.rtk.sessions.chat(rtkSessionId)).chat_download_url);
  const chat = await env.DB.prepare('SELECT rtk_message_id, content FROM chat_messages WHERE session_id = ?')
    .bind(sessionId)
    .all<{ rtk_message_id: string; content: string }>();
  expect(chat.results.length).toBe(csv.trim().split('\n').length - 1);
  for (const message of chat.results) expect(csv).toContain(`${message.rtk_message_id},`);
}

describe('retries', () => {
  /** A played session's meeting.summary, as RTK delivered it. */
  async function summaryDelivery() {
    const meeting = await rtk.meeting(owner);
    const played = await rtk.play(meeting, { participants: 1, minutes: 5 });
    const delivery = played.deliveries.find((candidate) => candidate.event === 'meeting.summary')!;
    return { delivery, rtkSessionId: played.truth.sessionId };
  }

  const stateOf = (rtkSessionId: string) =>
    env.DB.prepare('SELECT status, attempt FROM diagnostic_webhook_deliveries WHERE session_id = ?')
      .bind(rtkSessionId)
      .first();

  it('retries a failed event by cron with backoff and reaches processed', async () => {
    const { delivery, rtkSessionId } = await summaryDelivery();
    await rtk.setFaults([{ target: 'download', path: downloadPath('summary', rtkSessionId), errorRate: 1, times: 2 }]);
    expect((await rtk.deliver(delivery)).status).toBe(200);
    expect(await stateOf(rtkSessionId)).toEqual({ status: 'failed', attempt: 1 });
    // Not due yet: the backoff holds it back.
    expect((await retryPendingEvents(rtk.env, { now: Date.now() + 10_000 })).attempted).toBe(0);
    await retryPendingEvents(rtk.env, { now: Date.now() + 2 * 60_000 });
    expect(await stateOf(rtkSessionId)).toEqual({ status: 'failed', attempt: 2 });
    await retryPendingEvents(rtk.env, { now: Date.now() + 20 * 60_000 });
    expect(await stateOf(rtkSessionId)).toEqual({ status: 'processed', attempt: 3 });
    await rtk.clearFaults();
    expect(
      await count(
        'SELECT COUNT(*) AS n FROM summaries s JOIN sessions x ON x.id = s.session_id WHERE x.rtk_session_id = ?',
        rtkSessionId,
      ),
    ).toBe(1);
  });

  it('gives up after 3 attempts with retry_exhausted, visible in diagnostics', async () => {
    const { delivery, rtkSessionId } = await summaryDelivery();
    await rtk.setFaults([{ target: 'download', path: downloadPath('summary', rtkSessionId), errorRate: 1 }]);
    await rtk.deliver(delivery);
    for (const minutes of [2, 20, 60, 120]) await retryPendingEvents(rtk.env, { now: Date.now() + minutes * 60_000 });
    await rtk.clearFaults();
    expect(await stateOf(rtkSessionId)).toEqual({ status: 'retry_exhausted', attempt: 3 });
    const event = await env.DB.prepare(
      'SELECT processed, attempts, next_attempt_at FROM webhook_events WHERE rtk_session_id = ?',
    )
      .bind(rtkSessionId)
      .first();
    expect(event).toEqual({ processed: 0, attempts: 3, next_attempt_at: null });
    const list = await call('GET', '/api/diagnostics/webhooks?status=retry_exhausted', { token: owner.token });
    expect(JSON.stringify(await list.json())).toContain(rtkSessionId);
  });
});

describe('permanent rooms', () => {
  it('keep retrying to close the room at RTK after its last session ended, until RTK takes it', async () => {
    const { meeting, started, participantJoined, peerId } = await liveMeeting({ schedulingType: 'permanent' });
    for (const delivery of [started, participantJoined]) expect((await rtk.deliver(delivery)).status).toBe(200);
    const afterLeaving = await rtk.leave(peerId);
    const ended = afterLeaving.find((delivery) => delivery.event === 'meeting.ended')!;
    const roomAtRtk = async () => (await rtk.rtk.meetings.get(meeting.rtkMeetingId)).status;
    await rtk.setFaults([
      { method: 'PATCH', path: rtk.api(`/meetings/${meeting.rtkMeetingId}`), status: 503, errorRate: 1 },
    ]);
    for (const delivery of afterLeaving) expect((await rtk.deliver(delivery)).status).toBe(200);
    await rtk.clearFaults();
    expect(await roomAtRtk()).toBe('ACTIVE');
    const eventOf = () =>
      env.DB.prepare('SELECT processed FROM webhook_events WHERE rtk_delivery_id = ?').bind(ended.uuid).first();
    expect(await eventOf()).toEqual({ processed: 0 });
    await retryPendingEvents(rtk.env, { now: Date.now() + 2 * 60_000 });
    expect(await roomAtRtk()).toBe('INACTIVE');
    expect(await eventOf()).toEqual({ processed: 1 });
  });
});

describe('Sentry on webhook failures (§3.2 tags)', () => {
  /** Sentry envelopes land on a channel of the capture server (a DSN may carry a path before the project id). */
  const CHANNEL = 'sentry-tags';
  const dsn = `${inject('captureServerUrl').replace('http://', 'http://hookkey@')}/channels/${CHANNEL}/77`;
  let sentryRtk: LocalRtk;
  let sentryOwner: Session;

  beforeAll(async () => {
    sentryRtk = await localRtk('sentry-tags', { SENTRY_DSN_VENDOR: dsn, DEPLOYMENT_ID: 'dep-test' });
    sentryOwner = await createOrg('sentrytags');
  });

  /** Runs a delivery through the real entry point (withSentry), waiting for waitUntil work and the flush. */
  async function deliverThroughWorker(delivery: RtkDelivery) {
    const ctx = createExecutionContext();
    const response = await (worker as ExportedHandler<Env>).fetch!(
      new Request('https://castio.test/webhooks/rtk', {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      }) as never,
      sentryRtk.env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    await Sentry.flush(2000);
    return response;
  }

  const envelopes = async () => (await channelRequests(CHANNEL)).map((post) => post.body);

  describe('the tags', () => {
    it('reports a failed event with component, event type, meeting and org tags, and a bad signature as a message', async () => {
      resetKeyRefetchThrottle();
      const meeting = await sentryRtk.meeting(sentryOwner);
      const { truth, deliveries } = await sentryRtk.play(meeting, { participants: 1, minutes: 5 });
      const summary = deliveries.find((delivery) => delivery.event === 'meeting.summary')!;
      // RTK's storage fails when the summary is fetched.
      await sentryRtk.setFaults([{ target: 'download', path: downloadPath('summary', truth.sessionId), errorRate: 1 }]);
      expect((await deliverThroughWorker(summary)).status).toBe(200);
      await sentryRtk.clearFaults();
      const failure = (await envelopes()).find((body) => body.includes('"webhook_event_type":"meeting.summary"'));
      expect(failure, 'a Sentry envelope for the failed event').toBeTruthy();
      for (const tag of [
        '"component":"webhook-handler"',
        `"meeting_id":"${meeting.rtkMeetingId}"`,
        `"org_id":"${sentryOwner.org.id}"`,
        '"deployment_id":"dep-test"',
      ]) {
        expect(failure).toContain(tag);
      }
      const forged = await deliverThroughWorker({
        ...summary,
        headers: { ...summary.headers, 'rtk-signature': 'AAAA' },
      });
      expect(forged.status).toBe(401);
      expect((await envelopes()).some((body) => body.includes('Invalid webhook signature'))).toBe(true);
    });
  });
});

/** An RTK app of this file's own in the local cloud, with no webhook yet. */
async function freshRegistrationApp() {
  const appEnv: Env = {
    ...multiOrgEnv,
    RTK_APP_ID: await createRtkApp('registration'),
    APP_BASE_URL: 'https://meet.example',
  };
  return { appEnv, rtk: rtkClientFromEnv(appEnv)! };
}

describe('webhook registration with RTK (§9.1)', () => {
  it('registers the receiver once for all nine events, caches the check, repairs a changed config', async () => {
    const { appEnv, rtk } = await freshRegistrationApp();
    expect(await ensureWebhookRegistered({ ...appEnv, APP_BASE_URL: '' })).toBe('skipped');
    expect(await ensureWebhookRegistered(appEnv)).toBe('created');
    const [created, ...others] = await rtk.webhooks.list();
    expect(others).toEqual([]);
    expect(created).toMatchObject({
      name: 'Castio',
      url: 'https://meet.example/webhooks/rtk',
      events: [...RTK_EVENT_TYPES],
      enabled: true,
    });
    expect(await ensureWebhookRegistered(appEnv)).toBe('cached');
    expect(await ensureWebhookRegistered(appEnv, { force: true })).toBe('ok');
    // Someone disables it and narrows it down in RTK's dashboard.
    await rtk.webhooks.update(created!.id, { enabled: false, events: ['meeting.started'] });
    expect(await ensureWebhookRegistered(appEnv, { force: true })).toBe('updated');
    const repaired = await rtk.webhooks.list();
    expect(repaired).toHaveLength(1);
    expect(repaired[0]).toMatchObject({
      id: created!.id,
      enabled: true,
      events: expect.arrayContaining([...RTK_EVENT_TYPES]),
    });
    await env.KV_CACHE.delete('cache:rtk:webhook-registration');
  });
});
