// The RealtimeKit REST API, signed webhooks with retries, and the session player.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../test-fixtures/json.ts';
import type { SessionTruth } from '../session-player/player.ts';
import type {
  RtkEnvelope,
  RtkLivestream,
  RtkMeeting,
  RtkParticipant,
  RtkPreset,
  RtkRecording,
  RtkSession,
  RtkSessionParticipant,
  RtkWebhook,
} from '../test-fixtures/rtk-bodies.ts';
import { mintToken, startTestCloud, type TestCloud } from '../test-fixtures/test-cloud.ts';
import { startWebhookReceiver, verifyRtkSignature } from '../test-fixtures/webhook-receiver.ts';
import { WEBHOOK_EVENTS } from './rtk-schemas.ts';
import type { Delivery } from './webhook-dispatcher.ts';

/** `GET /__local/rtk/webhook-deliveries`. */
type DeliveryLog = { deliveries: Delivery[] };

let cloud: TestCloud;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let base: string;

/** An RTK REST call; `Data` is what the test reads from the envelope's `data`. */
const rtk = async <Data = unknown>(method: string, path: string, body?: unknown, token = cloud.token) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await readJson<RtkEnvelope<Data>>(res) };
};
/** A control route (GET without a body, POST with one); `Result` is what the test reads. */
const control = async <Result = unknown>(path: string, body?: unknown) => {
  const res = await fetch(`${cloud.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return readJson<Result>(res);
};
const waitForDeliveries = () => control('/__local/rtk/webhook-deliveries/wait', {});

beforeAll(async () => {
  cloud = await startTestCloud({ webhookRetry: { baseDelayMs: 20, maxAttempts: 4, timeoutMs: 2000 } });
  receiver = await startWebhookReceiver();
  base = `${cloud.rtk.apiBase}/accounts/${cloud.rtk.accountId}/realtime/kit/${cloud.rtk.appId}`;
});
afterAll(async () => {
  await cloud?.dispose();
  await receiver?.close();
});
beforeEach(() => receiver.clear());

const preset = (name: string) => ({
  name,
  config: {
    view_type: 'GROUP_CALL',
    max_screenshare_count: 1,
    max_video_streams: { desktop: 9, mobile: 4 },
    media: { video: { quality: 'hd', frame_rate: 30 }, screenshare: { quality: 'hd', frame_rate: 5 } },
  },
  permissions: { recorder_type: 'NONE', waiting_room_type: 'SKIP', transcription_enabled: true, can_record: true },
  ui: { design_tokens: { theme: 'dark', border_radius: 'rounded' } },
});

describe('REST', () => {
  it('apps: list has the default app; create returns data.app', async () => {
    const list = await rtk<{ id: string }[]>('GET', '/../apps');
    expect(list.body.data.map((a) => a.id)).toContain(cloud.rtk.appId);
    const created = await rtk('POST', '/../apps', { name: 'Second app' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, data: { app: { name: 'Second app' } } });
  });

  it('presets: validated create, list summaries, patch merges and stays valid, delete', async () => {
    expect(
      (await rtk('POST', '/presets', { ...preset('bad'), config: { ...preset('bad').config, view_type: 'PARTY' } }))
        .status,
    ).toBe(400);
    expect(
      (
        await rtk('POST', '/presets', {
          name: 'no-ui',
          config: preset('x').config,
          permissions: preset('x').permissions,
        })
      ).status,
    ).toBe(400);
    const created = await rtk<RtkPreset>('POST', '/presets', preset('video_host'));
    expect(created.status).toBe(201);
    expect((await rtk('POST', '/presets', preset('video_host'))).status).toBe(409);
    const id = created.body.data.id;
    const list = await rtk<RtkPreset[]>('GET', '/presets?per_page=100');
    expect(list.body.data.find((p) => p.id === id)).toEqual({
      id,
      name: 'video_host',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const patched = await rtk<RtkPreset>('PATCH', `/presets/${id}`, { config: { max_screenshare_count: 2 } });
    expect(patched.body.data.config).toMatchObject({ view_type: 'GROUP_CALL', max_screenshare_count: 2 });
    expect((await rtk('PATCH', `/presets/${id}`, { config: { view_type: 'NOPE' } })).status).toBe(400);
    expect((await rtk<RtkPreset>('GET', `/presets/${id}`)).body.data.config.view_type).toBe('GROUP_CALL');
    expect((await rtk<RtkPreset>('DELETE', `/presets/${id}`)).body.data.name).toBe('video_host');
    expect((await rtk('GET', `/presets/${id}`)).status).toBe(404);
  });

  it('meetings and participants', async () => {
    const meeting = (
      await rtk<RtkMeeting>('POST', '/meetings', {
        title: 'Weekly',
        record_on_start: false,
        ai_config: { summarization: { word_limit: 300 } },
      })
    ).body.data;
    expect(meeting).toMatchObject({
      title: 'Weekly',
      status: 'ACTIVE',
      ai_config: { summarization: { word_limit: 300 } },
    });
    expect((await rtk('POST', '/meetings', { session_keep_alive_time_in_secs: 'long' })).status).toBe(400);
    expect((await rtk<RtkMeeting[]>('GET', `/meetings?search=weekly`)).body.data.map((m) => m.id)).toContain(
      meeting.id,
    );
    const added = await rtk<RtkParticipant>('POST', `/meetings/${meeting.id}/participants`, {
      preset_name: 'group_call_host',
      custom_participant_id: 'user-1',
      name: 'Ann',
    });
    expect(added.body.data).toMatchObject({
      custom_participant_id: 'user-1',
      preset_name: 'group_call_host',
      token: expect.stringMatching(/^ey/),
    });
    expect(
      (
        await rtk('POST', `/meetings/${meeting.id}/participants`, {
          preset_name: 'missing',
          custom_participant_id: 'x',
        })
      ).status,
    ).toBe(400);
    const pid = added.body.data.id;
    const listed = await rtk<RtkParticipant[]>('GET', `/meetings/${meeting.id}/participants`);
    expect(listed.body.data[0]).not.toHaveProperty('token');
    expect(listed.body.paging).toMatchObject({ total_count: 1 });
    const patched = await rtk<RtkParticipant>('PATCH', `/meetings/${meeting.id}/participants/${pid}`, {
      preset_name: 'group_call_participant',
    });
    expect(patched.body.data.token).not.toBe(added.body.data.token);
    const refreshed = await rtk<RtkParticipant>('POST', `/meetings/${meeting.id}/participants/${pid}/token`);
    expect(refreshed.body.data.token).toMatch(/^ey/);
    expect((await rtk('DELETE', `/meetings/${meeting.id}/participants/${pid}`)).body.data).toMatchObject({
      custom_participant_id: 'user-1',
    });
    expect((await rtk('GET', `/meetings/${meeting.id}/participants/${pid}`)).status).toBe(404);
    const inactive = await rtk<RtkMeeting>('PATCH', `/meetings/${meeting.id}`, { status: 'INACTIVE' });
    expect(inactive.body.data.status).toBe('INACTIVE');
    expect((await rtk('GET', '/meetings/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('needs the Realtime permission; Realtime (read) cannot write', async () => {
    const none = await mintToken(cloud, { permissions: ['D1 Write'] });
    expect(await rtk('GET', '/meetings', undefined, none.value)).toMatchObject({
      status: 403,
      body: { errors: [{ code: 10000 }] },
    });
    const reader = await mintToken(cloud, { permissions: ['Realtime'] });
    expect((await rtk('GET', '/meetings', undefined, reader.value)).status).toBe(200);
    expect((await rtk('POST', '/meetings', {}, reader.value)).status).toBe(403);
  });

  it('active session, REST recording INVOKED → RECORDING → UPLOADING → UPLOADED, kick-all ends the session', async () => {
    const meeting = (await rtk<RtkMeeting>('POST', '/meetings', { title: 'Rec' })).body.data;
    expect((await rtk('GET', `/meetings/${meeting.id}/active-session`)).status).toBe(404);
    const p = (
      await rtk<RtkParticipant>('POST', `/meetings/${meeting.id}/participants`, {
        preset_name: 'group_call_host',
        custom_participant_id: 'h',
      })
    ).body.data;
    const joined = await control<{ peer: { peer_id: string } }>(`/__local/rtk/participants/${p.id}/join`, {});
    expect(joined.peer.peer_id).toBeTruthy();
    expect((await rtk('GET', `/meetings/${meeting.id}/active-session`)).body.data).toMatchObject({
      status: 'LIVE',
      live_participants: 1,
    });
    const started = await rtk<RtkRecording>('POST', '/recordings', {
      meeting_id: meeting.id,
      video_config: { codec: 'VP9', watermark: { url: 'https://example.com/w.png', position: 'left top' } },
      audio_config: { codec: 'AAC' },
    });
    expect(started.body.data).toMatchObject({ status: 'INVOKED', video_config: { codec: 'VP9' } });
    expect((await rtk('POST', '/recordings', { meeting_id: meeting.id })).status).toBe(409);
    expect((await rtk<RtkRecording>('GET', `/recordings/active-recording/${meeting.id}`)).body.data.id).toBe(
      started.body.data.id,
    );
    await new Promise((r) => setTimeout(r, 400));
    expect((await rtk<RtkRecording>('GET', `/recordings/${started.body.data.id}`)).body.data.status).toBe('RECORDING');
    expect(
      (await rtk<RtkRecording>('PUT', `/recordings/${started.body.data.id}`, { action: 'stop' })).body.data.status,
    ).toBe('UPLOADING');
    await new Promise((r) => setTimeout(r, 700));
    const done = (await rtk<RtkRecording>('GET', `/recordings/${started.body.data.id}`)).body.data;
    expect(done).toMatchObject({ status: 'UPLOADED', download_url: expect.stringContaining('/__downloads/') });
    const file = await fetch(done.download_url);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(done.file_size);
    const kicked = await rtk('POST', `/meetings/${meeting.id}/active-session/kick-all`);
    expect(kicked.body.data).toEqual({ action: 'kick-all', kicked_participants_count: 1 });
    const sessions = await rtk<{ sessions: RtkSession[] }>('GET', `/sessions?associated_id=${meeting.id}`);
    expect(sessions.body.data.sessions[0]).toMatchObject({
      status: 'ENDED',
      associated_id: meeting.id,
      meeting_display_name: 'Rec',
    });
    expect((await rtk('GET', `/recordings?meeting_id=${meeting.id}`)).body.data).toHaveLength(1);
    expect(
      (await rtk<{ session_stats: { sessions_count: number } }>('GET', '/analytics/daywise')).body.data.session_stats
        .sessions_count,
    ).toBeGreaterThanOrEqual(1);
  });

  it('livestreams start, show as active, stop', async () => {
    const meeting = (await rtk<RtkMeeting>('POST', '/meetings', { title: 'Live' })).body.data;
    const started = await rtk<RtkLivestream>('POST', `/meetings/${meeting.id}/livestreams`, { name: 'Show' });
    expect(started.body.data).toMatchObject({
      status: 'LIVE',
      ingest_server: expect.stringMatching(/^rtmps?:/),
      stream_key: expect.any(String),
      playback_url: expect.stringContaining('.m3u8'),
    });
    expect((await rtk<RtkLivestream>('GET', `/meetings/${meeting.id}/active-livestream`)).body.data.id).toBe(
      started.body.data.id,
    );
    expect(
      (await rtk<{ message: string }>('POST', `/meetings/${meeting.id}/active-livestream/stop`)).body.data.message,
    ).toBeTruthy();
    expect(
      (await rtk<{ livestream: RtkLivestream }>('GET', `/livestreams/${started.body.data.id}`)).body.data.livestream
        .status,
    ).toBe('IDLE');
    expect(
      (await rtk<{ count: number }>('GET', '/analytics/livestreams/overall')).body.data.count,
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('webhooks', () => {
  let webhookId: string;
  beforeAll(async () => {
    const created = await rtk<RtkWebhook>('POST', '/webhooks', {
      name: 'castio',
      url: receiver.url,
      events: WEBHOOK_EVENTS,
    });
    expect(created.status).toBe(201);
    webhookId = created.body.data.id;
    expect((await rtk('POST', '/webhooks', { name: 'x', url: 'ftp://nope', events: ['meeting.started'] })).status).toBe(
      400,
    );
    expect(
      (await rtk('POST', '/webhooks', { name: 'x', url: receiver.url, events: ['meeting.exploded'] })).status,
    ).toBe(400);
  });

  it('the session player fires the complete, ordered, signed webhook sequence', async () => {
    const meeting = (await rtk<RtkMeeting>('POST', '/meetings', { title: 'Played' })).body.data;
    const truth = await control<SessionTruth>('/__local/rtk/sessions/play', {
      meetingId: meeting.id,
      participants: 3,
      minutes: 30,
      record: true,
      seed: 7,
    });
    await waitForDeliveries();
    const events = receiver.received.map((r) => r.body.event);
    expect(events).toEqual(truth.events);
    const expected = [
      'meeting.started',
      'meeting.participantJoined',
      'meeting.participantJoined',
      'meeting.participantJoined',
      'recording.statusUpdate',
      'meeting.participantLeft',
      'meeting.participantLeft',
      'meeting.participantLeft',
      'recording.statusUpdate',
      'meeting.ended',
      'recording.statusUpdate',
      'meeting.chatSynced',
      'meeting.transcript',
      'meeting.summary',
    ];
    expect(events).toEqual(expected);
    expect(
      receiver.received.filter((r) => r.body.event === 'recording.statusUpdate').map((r) => r.body.recording?.status),
    ).toEqual(['RECORDING', 'UPLOADING', 'UPLOADED']);
    expect(truth.recording?.statuses).toEqual(['INVOKED', 'RECORDING', 'UPLOADING', 'UPLOADED']);
    expect(receiver.received.find((r) => r.body.event === 'meeting.ended')!.body.reason).toBe('ALL_PARTICIPANTS_LEFT');

    const { data } = await readJson<RtkEnvelope<{ publicKey: string }>>(
      await fetch(`${cloud.url}/.well-known/webhooks.json`),
    );
    for (const r of receiver.received) {
      expect(await verifyRtkSignature(data.publicKey, r.raw, r.headers['rtk-signature'] as string)).toBe(true);
      expect(r.headers['rtk-webhook-id']).toBe(webhookId);
      expect(r.headers['rtk-uuid']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(receiver.received.map((r) => r.headers['rtk-uuid'])).size).toBe(receiver.received.length);
    // A tampered body does not verify.
    const [first] = receiver.received;
    expect(
      await verifyRtkSignature(
        data.publicKey,
        first!.raw.replace('Played', 'Forged'),
        first!.headers['rtk-signature'] as string,
      ),
    ).toBe(false);

    // Ground truth agrees with the REST API.
    const participants = await rtk<{ participants: RtkSessionParticipant[] }>(
      'GET',
      `/sessions/${truth.sessionId}/participants`,
    );
    expect(participants.body.data.participants.map((p) => [p.id, p.joined_at, p.left_at]).sort()).toEqual(
      truth.participants.map((p) => [p.peerId, p.joinedAt, p.leftAt]).sort(),
    );
    const session = (await rtk<RtkSession>('GET', `/sessions/${truth.sessionId}`)).body.data;
    expect(Date.parse(session.ended_at) - Date.parse(session.started_at)).toBe(30 * 60_000);
    const transcript = await rtk<{ transcript_download_url: string }>(
      'GET',
      `/sessions/${truth.sessionId}/transcript?format=VTT`,
    );
    const vtt = await (await fetch(transcript.body.data.transcript_download_url)).text();
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    const chat = await rtk<{ chat_download_url: string }>('GET', `/sessions/${truth.sessionId}/chat`);
    const csv = await (await fetch(chat.body.data.chat_download_url)).text();
    expect(csv.trim().split('\n')).toHaveLength(truth.chat.messages + 1);
    const summary = await rtk<{ summaryDownloadUrl: string }>('GET', `/sessions/${truth.sessionId}/summary`);
    expect(await (await fetch(summary.body.data.summaryDownloadUrl)).text()).toContain('Summary of Played');
  });

  it('retries 5xx with the same rtk-uuid, gives up on 4xx, logs every attempt', async () => {
    const all = (await rtk<RtkWebhook>('GET', `/webhooks/${webhookId}`)).body.data.events;
    await rtk('PATCH', `/webhooks/${webhookId}`, { events: ['meeting.started'] });
    receiver.answerWith([503, 500]);
    const meeting = (await rtk<RtkMeeting>('POST', '/meetings', { title: 'Retry' })).body.data;
    const p = (
      await rtk<RtkParticipant>('POST', `/meetings/${meeting.id}/participants`, {
        preset_name: 'group_call_host',
        custom_participant_id: 'r',
      })
    ).body.data;
    await control(`/__local/rtk/participants/${p.id}/join`, {});
    await waitForDeliveries();
    const started = receiver.received.filter((r) => r.body.event === 'meeting.started');
    expect(started).toHaveLength(3);
    expect(new Set(started.map((r) => r.headers['rtk-uuid'])).size).toBe(1);
    const log = await control<DeliveryLog>(
      `/__local/rtk/webhook-deliveries?event=meeting.started&webhook_id=${webhookId}`,
    );
    const record = log.deliveries.find((d) => d.id === started[0]?.headers['rtk-uuid']);
    expect(record?.status).toBe('delivered');
    expect(record?.attempts.map((a) => a.status)).toEqual([503, 500, 200]);

    receiver.clear();
    await rtk('PATCH', `/webhooks/${webhookId}`, { events: ['meeting.participantJoined'] });
    receiver.answerWith([400]);
    const joined = await control(`/__local/rtk/participants/${p.id}/join`, {});
    await waitForDeliveries();
    expect(receiver.received.filter((r) => r.body.event === 'meeting.participantJoined')).toHaveLength(1);
    const failed = (await control<DeliveryLog>('/__local/rtk/webhook-deliveries?status=failed')).deliveries;
    expect(failed.some((d) => d.event === 'meeting.participantJoined' && d.attempts.length === 1)).toBe(true);
    void joined;
    await rtk('PUT', `/webhooks/${webhookId}`, { name: 'castio', url: receiver.url, events: all });
  });

  it('player perturbations: duplicate, drop and reorder, deterministic per seed', async () => {
    const play = async (seed: number) => {
      receiver.clear();
      const meeting = (await rtk<RtkMeeting>('POST', '/meetings', { title: 'Chaos' })).body.data;
      const truth = await control<SessionTruth>('/__local/rtk/sessions/play', {
        meetingId: meeting.id,
        participants: 4,
        minutes: 5,
        record: true,
        duplicate: true,
        drop: true,
        reorder: true,
        seed,
      });
      await waitForDeliveries();
      return truth;
    };
    const a = await play(42);
    const delivered = receiver.received.map((r) => r.body.event);
    const expectedDelivered = a.webhooks.flatMap((w) =>
      w.dropped ? [] : w.duplicated ? [w.event, w.event] : [w.event],
    );
    expect(delivered).toEqual(expectedDelivered);
    expect(a.webhooks.some((w) => w.dropped)).toBe(true);
    expect(a.webhooks.some((w) => w.duplicated)).toBe(true);
    expect(a.webhooks.map((w) => w.trueIndex)).not.toEqual(a.webhooks.map((_, i) => i));
    const b = await play(42);
    expect(b.webhooks.map((w) => [w.trueIndex, w.dropped, w.duplicated])).toEqual(
      a.webhooks.map((w) => [w.trueIndex, w.dropped, w.duplicated]),
    );
  });

  it('the player plays participants the app added (one on two devices) beside new ones', async () => {
    const meeting = (await rtk<RtkMeeting>('POST', '/meetings', { title: 'Known people' })).body.data;
    const add = async (custom: string) =>
      (
        await rtk<RtkParticipant>('POST', `/meetings/${meeting.id}/participants`, {
          name: custom,
          preset_name: 'group_call_host',
          custom_participant_id: custom,
        })
      ).body.data.id;
    const [ada, bo] = [await add('user:ada'), await add('user:bo')];
    const truth = await control<SessionTruth>('/__local/rtk/sessions/play', {
      meetingId: meeting.id,
      participantIds: [ada, bo, bo],
      participants: 1,
      seed: 4,
    });
    await waitForDeliveries();
    const known = truth.participants.map((p) => p.customParticipantId).filter((id) => id.startsWith('user:'));
    expect(known.sort()).toEqual(['user:ada', 'user:bo', 'user:bo']);
    expect(truth.participants).toHaveLength(4);
    expect(new Set(truth.participants.map((p) => p.peerId)).size).toBe(4);
    const joined = receiver.received.filter(
      (r) => r.body.event === 'meeting.participantJoined' && r.body.meeting?.id === meeting.id,
    );
    expect(joined).toHaveLength(4);
    const unknown = await fetch(`${cloud.url}/__local/rtk/sessions/play`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ meetingId: meeting.id, participantIds: ['nobody'] }),
    });
    expect(unknown.status).toBe(404);
  });

  it('sends a body of the caller’s choosing, signed and delivered like any other', async () => {
    const sent = await control<{ deliveryIds: string[] }>(`/__local/rtk/apps/${cloud.rtk.appId}/webhooks/send`, {
      body: { event: 'meeting.started', meeting: { id: 'm-custom' }, extra: 'field' },
    });
    await waitForDeliveries();
    expect(sent.deliveryIds).toHaveLength(1);
    const [received] = receiver.received;
    expect(received!.body).toMatchObject({ event: 'meeting.started', meeting: { id: 'm-custom' } });
    expect(received!.headers['rtk-uuid']).toBe(sent.deliveryIds[0]);
    const { data } = await readJson<RtkEnvelope<{ publicKey: string }>>(
      await fetch(`${cloud.url}/.well-known/webhooks.json`),
    );
    expect(await verifyRtkSignature(data.publicKey, received!.raw, received!.headers['rtk-signature'] as string)).toBe(
      true,
    );
  });

  it('download URLs expire', async () => {
    const meeting = (await rtk<RtkMeeting>('POST', '/meetings', { title: 'Expiring' })).body.data;
    const truth = await control<SessionTruth>('/__local/rtk/sessions/play', {
      meetingId: meeting.id,
      participants: 2,
      minutes: 3,
      urlTtlSeconds: 1,
    });
    const transcript = receiver.received.find(
      (r) => r.body.event === 'meeting.transcript' && r.body.meeting?.id === meeting.id,
    )!;
    const downloadUrl = transcript.body.transcriptDownloadUrl!;
    expect((await fetch(downloadUrl)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await fetch(downloadUrl);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
    expect(truth.sessionId).toBeTruthy();
  });
});
