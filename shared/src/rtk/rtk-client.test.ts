import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultRule, type LocalCloud, startLocalCloud } from '@castio/local-cloud';
import { presetDefinitions } from '../presets/preset-definitions';
import { createRtkClient, type RtkClient, type RtkClientConfig, RtkError, type RtkPresetBody } from './index';

/** The built-in `video_host` (spec §5.4), as the platform provisions it. */
const videoHost: RtkPresetBody = presetDefinitions().find((preset) => preset.name === 'video_host')!;

let cloud: LocalCloud;
let stateDir: string;
let rtk: RtkClient;
/** Every RtkError any test saw: none may carry the API token. */
const seenErrors: RtkError[] = [];

const client = (overrides: Partial<RtkClientConfig> = {}) =>
  createRtkClient({
    apiBase: cloud.rtk.apiBase,
    accountId: cloud.rtk.accountId,
    appId: cloud.rtk.appId,
    apiToken: cloud.rtk.token,
    ...overrides,
  });

/** The RtkError a call rejects with (and fails the test if it resolves or throws anything else). */
async function rtkError(promise: Promise<unknown>): Promise<RtkError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RtkError);
  seenErrors.push(error as RtkError);
  return error as RtkError;
}

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok, `${method} ${path} → ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

const RTK_PATH = '/client/v4/accounts/*/realtime/kit/*';
const setFaults = (rules: FaultRule[]) => control('PUT', '/__local/faults', { seed: 7, rules });
const faultCalls = async () =>
  (await control<{ rules: { calls: number }[] }>('GET', '/__local/faults')).rules.map((rule) => rule.calls);
const joinSession = (participantId: string) =>
  control<{ session_id: string; peer: { peer_id: string } }>('POST', `/__local/rtk/participants/${participantId}/join`);

const stubFetch =
  (...answers: (() => Response)[]): typeof fetch =>
  async () => {
    const next = answers.shift();
    if (!next) throw new Error('no more stubbed answers');
    return next();
  };
const jsonAnswer =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'castio-rtk-client-'));
  cloud = await startLocalCloud({ port: 0, stateDir, reset: true, credentialsFile: false });
  rtk = client();
  await rtk.presets.create(videoHost);
});

afterEach(() => setFaults([]));

afterAll(async () => {
  await cloud?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('presets', () => {
  it('creates, reads, lists, updates and deletes; a taken name is a conflict', async () => {
    const list = await rtk.presets.list({ search: 'video_host' });
    expect(list.items.map((preset) => preset.name)).toEqual(['video_host']);
    const created = await rtk.presets.create({ ...videoHost, name: 'scratch' });
    expect(created).toMatchObject({ name: 'scratch', config: { view_type: 'GROUP_CALL' } });
    expect(created.permissions).toMatchObject({ waiting_room_type: 'ON_PRIVILEGED_USER_ENTRY' });
    expect(await rtk.presets.get(created.id)).toMatchObject({ id: created.id, ui: videoHost.ui });
    const renamed = await rtk.presets.update(created.id, { name: 'scratch_2' });
    expect(renamed).toMatchObject({ id: created.id, name: 'scratch_2', config: { max_screenshare_count: 1 } });
    const all = await rtk.presets.list({ perPage: 2, page: 1 });
    expect(all.items).toHaveLength(2);
    expect(all.paging).toEqual({ total_count: 6, start_offset: 1, end_offset: 2 });
    expect((await rtkError(rtk.presets.create(videoHost))).code).toBe('conflict');
    await rtk.presets.delete(created.id);
    expect((await rtkError(rtk.presets.get(created.id))).code).toBe('not_found');
  });
});

describe('meetings and participants', () => {
  it('creates, reads, lists and updates a meeting, keeping fields the client does not know', async () => {
    const meeting = await rtk.meetings.create({
      title: 'Weekly sync',
      persist_chat: true,
      summarize_on_end: true,
      ai_config: { summarization: { summary_type: 'team_meeting', word_limit: 300 } },
      recording_config: { file_name_prefix: 'weekly', realtimekit_bucket_config: { enabled: true } },
    });
    expect(meeting).toMatchObject({
      title: 'Weekly sync',
      status: 'ACTIVE',
      persist_chat: true,
      record_on_start: false,
    });
    expect(meeting.ai_config).toMatchObject({ summarization: { summary_type: 'team_meeting', word_limit: 300 } });
    expect(await rtk.meetings.get(meeting.id)).toEqual(meeting);
    const found = await rtk.meetings.list({ search: 'weekly sync' });
    expect(found.items.map((m) => m.id)).toEqual([meeting.id]);
    expect(found.paging).toEqual({ total_count: 1, start_offset: 1, end_offset: 1 });
    const inactive = await rtk.meetings.update(meeting.id, { status: 'INACTIVE', title: 'Paused' });
    expect(inactive).toMatchObject({ id: meeting.id, status: 'INACTIVE', title: 'Paused', persist_chat: true });
  });

  it('adds a participant with a token, lists, reads, updates, refreshes the token and removes them', async () => {
    const meeting = await rtk.meetings.create({ title: 'Participants' });
    const added = await rtk.participants.add(meeting.id, {
      name: 'Ada',
      presetName: 'video_host',
      customParticipantId: 'user-ada',
      picture: 'https://example.com/ada.png',
    });
    expect(added).toMatchObject({ name: 'Ada', preset_name: 'video_host', custom_participant_id: 'user-ada' });
    expect(added.token).toEqual(expect.any(String));
    const list = await rtk.participants.list(meeting.id, { perPage: 10 });
    expect(list.items.map((p) => p.id)).toEqual([added.id]);
    expect(list.items[0]).not.toHaveProperty('token');
    expect(await rtk.participants.get(meeting.id, added.id)).toMatchObject({ picture: 'https://example.com/ada.png' });
    const updated = await rtk.participants.update(meeting.id, added.id, {
      name: 'Ada L.',
      presetName: 'group_call_participant',
    });
    expect(updated).toMatchObject({ id: added.id, name: 'Ada L.', preset_name: 'group_call_participant' });
    const refreshed = await rtk.participants.refreshToken(meeting.id, added.id);
    expect(refreshed.token).toEqual(expect.any(String));
    expect(refreshed.token).not.toBe(added.token);
    await rtk.participants.remove(meeting.id, added.id);
    expect((await rtkError(rtk.participants.get(meeting.id, added.id))).code).toBe('not_found');
    const unknownPreset = await rtkError(
      rtk.participants.add(meeting.id, { name: 'X', presetName: 'no_such_preset', customParticipantId: 'x' }),
    );
    expect(unknownPreset).toMatchObject({ code: 'bad_request', status: 400, retryable: false });
  });
});

describe('a live meeting', () => {
  it('reads the active session, records, streams, mutes, kicks, and ends it', async () => {
    const meeting = await rtk.meetings.create({ title: 'Live' });
    expect(await rtk.activeSession.get(meeting.id)).toBeNull();
    expect(await rtk.recordings.active(meeting.id)).toBeNull();
    expect(await rtk.livestreams.active(meeting.id)).toBeNull();
    const [ada, bob] = await Promise.all(
      ['ada', 'bob'].map((who) =>
        rtk.participants.add(meeting.id, { name: who, presetName: 'video_host', customParticipantId: `user-${who}` }),
      ),
    );
    const { session_id } = await joinSession(ada!.id);
    await joinSession(bob!.id);
    expect(await rtk.activeSession.get(meeting.id)).toMatchObject({
      id: session_id,
      associated_id: meeting.id,
      status: 'LIVE',
      live_participants: 2,
    });

    const recording = await rtk.recordings.start({
      meeting_id: meeting.id,
      file_name_prefix: 'live',
      max_seconds: 3600,
      video_config: {
        codec: 'VP8',
        width: 1280,
        height: 720,
        watermark: { url: 'https://example.com/logo.png', position: 'right top', size: { width: 64, height: 64 } },
      },
      audio_config: { codec: 'AAC', channel: 'stereo' },
      realtimekit_bucket_config: { enabled: true },
    });
    expect(recording).toMatchObject({ status: 'INVOKED', meeting_id: meeting.id, video_config: { codec: 'VP8' } });
    expect((await rtk.recordings.active(meeting.id))?.id).toBe(recording.id);
    expect((await rtkError(rtk.recordings.start({ meeting_id: meeting.id }))).code).toBe('conflict');
    const track = await rtk.recordings.startTrack({ meeting_id: meeting.id, user_ids: [ada!.id] });
    expect(track.id).not.toBe(recording.id);
    expect((await rtk.recordings.list({ meetingId: meeting.id })).items.map((r) => r.id).sort()).toEqual(
      [recording.id, track.id].sort(),
    );
    expect((await rtk.recordings.stop(recording.id)).status).toBe('UPLOADING');
    await rtk.recordings.stop(track.id);
    expect(await rtk.recordings.active(meeting.id)).toBeNull();
    await expect.poll(async () => (await rtk.recordings.get(recording.id)).status, { timeout: 5000 }).toBe('UPLOADED');
    const uploaded = await rtk.recordings.get(recording.id);
    expect(uploaded.download_url).toEqual(expect.stringContaining('/__downloads/'));
    expect(uploaded.file_size).toEqual(expect.any(Number));

    const stream = await rtk.livestreams.start(meeting.id, {
      name: 'Live show',
      videoConfig: { width: 1280, height: 720 },
    });
    expect(stream).toMatchObject({ status: 'LIVE', ingest_server: expect.stringMatching(/^rtmps?:/) });
    expect(stream.stream_key).toEqual(expect.any(String));
    expect(stream.playback_url).toEqual(expect.any(String));
    expect(await rtk.livestreams.active(meeting.id)).toMatchObject({ id: stream.id, meeting_id: meeting.id });
    await rtk.livestreams.stop(meeting.id);
    expect(await rtk.livestreams.active(meeting.id)).toBeNull();

    await rtk.activeSession.mute(meeting.id, { participantIds: [ada!.id] });
    await rtk.activeSession.muteAll(meeting.id, { allowUnmute: false });
    await rtk.activeSession.kick(meeting.id, { customParticipantIds: ['user-bob'] });
    expect((await rtk.activeSession.get(meeting.id))?.live_participants).toBe(1);
    await rtk.activeSession.kickAll(meeting.id);
    expect(await rtk.activeSession.get(meeting.id)).toBeNull();
    expect(await rtk.sessions.get(session_id)).toMatchObject({ status: 'ENDED', ended_at: expect.any(String) });
  });
});

describe('sessions, webhooks and analytics', () => {
  it('lists a played session, its participants, transcript, summary and chat export', async () => {
    const meeting = await rtk.meetings.create({ title: 'Played' });
    const truth = await control<{ sessionId: string }>('POST', '/__local/rtk/sessions/play', {
      meetingId: meeting.id,
      participants: 3,
      minutes: 20,
      chatMessages: 4,
      waitMs: 0,
    });
    const list = await rtk.sessions.list({ meetingId: meeting.id, status: 'ENDED' });
    expect(list.items.map((s) => s.id)).toEqual([truth.sessionId]);
    expect(list.paging?.total_count).toBe(1);
    expect(await rtk.sessions.get(truth.sessionId)).toMatchObject({ associated_id: meeting.id, status: 'ENDED' });
    const people = await rtk.sessions.participants(truth.sessionId, { view: 'consolidated', perPage: 2 });
    expect(people.items).toHaveLength(2);
    expect(people.paging?.total_count).toBe(3);
    expect(people.items[0]?.duration).toEqual(expect.any(Number));
    const transcript = await rtk.sessions.transcript(truth.sessionId, { format: 'VTT' });
    expect(transcript.transcript_download_url).toContain('/__downloads/');
    expect((await fetch(transcript.transcript_download_url)).ok).toBe(true);
    expect((await rtk.sessions.summary(truth.sessionId)).summaryDownloadUrl).toContain('/__downloads/');
    expect((await rtk.sessions.generateSummary(truth.sessionId)).session_id).toBe(truth.sessionId);
    expect((await rtk.sessions.chat(truth.sessionId)).chat_download_url_expiry).toEqual(expect.any(String));
    expect((await rtkError(rtk.sessions.get('no-such-session'))).code).toBe('not_found');
  });

  it('creates, lists, updates and deletes webhooks', async () => {
    const created = await rtk.webhooks.create({
      name: 'Castio',
      url: 'https://meet.example/webhooks/rtk',
      events: ['meeting.started', 'meeting.ended'],
    });
    expect(created).toMatchObject({ enabled: true, events: ['meeting.started', 'meeting.ended'] });
    expect((await rtk.webhooks.list()).map((w) => w.id)).toContain(created.id);
    const disabled = await rtk.webhooks.update(created.id, { enabled: false, events: ['meeting.summary'] });
    expect(disabled).toMatchObject({ id: created.id, enabled: false, events: ['meeting.summary'] });
    await rtk.webhooks.delete(created.id);
    expect((await rtk.webhooks.list()).map((w) => w.id)).not.toContain(created.id);
    expect((await rtkError(rtk.webhooks.delete(created.id))).code).toBe('not_found');
  });

  it('reads day-wise analytics', async () => {
    const meeting = await rtk.meetings.create({ title: 'Counted' });
    await control('POST', '/__local/rtk/sessions/play', { meetingId: meeting.id, record: true, waitMs: 0 });
    // Yesterday too: a session played just after midnight UTC started the day before.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const stats = await rtk.analytics.daywise({ startDate: day(-1), endDate: day(0) });
    expect(stats.session_stats.sessions_count).toBeGreaterThanOrEqual(1);
    expect(stats.session_stats.day_stats[0]).toMatchObject({ total_sessions: expect.any(Number) });
    for (const row of stats.session_stats.day_stats) expect([day(-1), day(0)]).toContain(row.day);
    expect(stats.recording_stats.recording_count).toBeGreaterThanOrEqual(1);
  });
});

describe('errors', () => {
  it('maps 404 to not_found with what failed, and a bad token to unauthorized', async () => {
    const missing = await rtkError(rtk.meetings.get('no-such-meeting'));
    expect(missing).toMatchObject({
      status: 404,
      code: 'not_found',
      retryable: false,
      method: 'GET',
      path: '/meetings/no-such-meeting',
    });
    expect(missing.message).toContain('get meeting no-such-meeting');
    const badToken = 'x'.repeat(40);
    const refused = await rtkError(client({ apiToken: badToken }).meetings.list());
    expect(refused).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(refused.message).toContain('RTK_API_TOKEN');
    expect(refused.message).not.toContain(badToken);
  });

  it('says so when an answer lacks an id or a token, and tolerates odd or extra fields', async () => {
    const noId = createRtkClient({
      apiBase: 'https://rtk.invalid/client/v4',
      accountId: 'a',
      appId: 'b',
      apiToken: 't0ken-value',
      fetch: stubFetch(jsonAnswer(200, { success: true, data: { title: 'x' } })),
    });
    const missingId = await rtkError(noId.meetings.get('m'));
    expect(missingId).toMatchObject({ code: 'invalid_response', status: 200 });
    expect(missingId.message).toContain('data.id');
    const noToken = createRtkClient({
      apiBase: 'https://rtk.invalid/client/v4',
      accountId: 'a',
      appId: 'b',
      apiToken: 't0ken-value',
      fetch: stubFetch(jsonAnswer(201, { success: true, data: { id: 'p1', name: 'Ada' } })),
    });
    const add = noToken.participants.add('m', { name: 'Ada', presetName: 'p', customParticipantId: 'c' });
    expect((await rtkError(add)).message).toContain('data.token');
    const odd = createRtkClient({
      apiBase: 'https://rtk.invalid/client/v4',
      accountId: 'a',
      appId: 'b',
      apiToken: 't0ken-value',
      fetch: stubFetch(
        jsonAnswer(200, { success: true, data: { id: 'r1', file_size: '1048576', status: 7, new_field: { a: 1 } } }),
        jsonAnswer(200, '<html>'),
      ),
    });
    expect(await odd.recordings.get('r1')).toMatchObject({ file_size: 1048576, status: null, new_field: { a: 1 } });
    expect((await rtkError(odd.recordings.get('r1'))).code).toBe('invalid_response');
  });

  it('scrubs the API token even from RTK’s own error text', async () => {
    const token = 'secret-token-value-123456';
    const leaky = createRtkClient({
      apiBase: 'https://rtk.invalid/client/v4',
      accountId: 'a',
      appId: 'b',
      apiToken: token,
      fetch: stubFetch(jsonAnswer(400, { success: false, error: { code: 400, message: `bad token ${token}` } })),
    });
    const error = await rtkError(leaky.meetings.create({ title: 'x' }));
    expect(error.message).toContain('bad token [redacted]');
    expect(error.message).not.toContain(token);
  });

  it('reports an unreachable RTK as a network error', async () => {
    const offline = client({ apiBase: 'http://127.0.0.1:1/client/v4', retries: 0 });
    expect(await rtkError(offline.meetings.list())).toMatchObject({ code: 'network', status: 0, retryable: true });
  });
});

describe('retries', () => {
  it('retries a GET after a 503 and succeeds', async () => {
    const meeting = await rtk.meetings.create({ title: 'Retry me' });
    await setFaults([{ method: 'GET', path: `${RTK_PATH}/meetings/*`, failNth: [1], status: 503 }]);
    expect((await rtk.meetings.get(meeting.id)).id).toBe(meeting.id);
    expect(await faultCalls()).toEqual([2]);
  });

  it('gives up after the configured retries, and makes one attempt with retries: 0', async () => {
    await setFaults([{ method: 'GET', path: `${RTK_PATH}/meetings`, errorRate: 1, status: 502 }]);
    expect(await rtkError(rtk.meetings.list())).toMatchObject({ code: 'server_error', status: 502, retryable: true });
    expect(await faultCalls()).toEqual([3]);
    await setFaults([{ method: 'GET', path: `${RTK_PATH}/meetings`, errorRate: 1, status: 502 }]);
    await rtkError(client({ retries: 0 }).meetings.list());
    expect(await faultCalls()).toEqual([1]);
  });

  it('never retries a create: one failed POST is one call and nothing created', async () => {
    const meeting = await rtk.meetings.create({ title: 'Creates' });
    const creates: [string, () => Promise<unknown>][] = [
      ['/meetings', () => rtk.meetings.create({ title: 'only-once' })],
      [
        `/meetings/${meeting.id}/participants`,
        () => rtk.participants.add(meeting.id, { name: 'A', presetName: 'video_host', customParticipantId: 'once' }),
      ],
      ['/presets', () => rtk.presets.create({ ...videoHost, name: 'only_once' })],
      ['/webhooks', () => rtk.webhooks.create({ name: 'once', url: 'https://x.example/h', events: ['meeting.ended'] })],
      ['/recordings', () => rtk.recordings.start({ meeting_id: meeting.id })],
      [`/meetings/${meeting.id}/livestreams`, () => rtk.livestreams.start(meeting.id)],
    ];
    for (const [path, create] of creates) {
      await setFaults([{ method: 'POST', path: `${RTK_PATH}${path}`, failNth: [1], status: 503 }]);
      expect(await rtkError(create())).toMatchObject({ code: 'server_error', status: 503, method: 'POST' });
      expect(await faultCalls(), path).toEqual([1]);
    }
    expect((await rtk.meetings.list({ search: 'only-once' })).items).toEqual([]);
    expect((await rtk.participants.list(meeting.id)).items).toEqual([]);
    expect((await rtk.presets.list({ search: 'only_once' })).items).toEqual([]);
    expect((await rtk.webhooks.list()).filter((w) => w.name === 'once')).toEqual([]);
  });

  it('times out a slow call, and retries an idempotent one that timed out', async () => {
    const meeting = await rtk.meetings.create({ title: 'Slow' });
    await setFaults([{ method: 'GET', path: `${RTK_PATH}/meetings/*`, latencyMs: 3000 }]);
    const started = Date.now();
    const slow = await rtkError(client({ timeoutMs: 300, retries: 0 }).meetings.get(meeting.id));
    expect(slow).toMatchObject({ code: 'timeout', status: 0, retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
    await setFaults([{ method: 'GET', path: `${RTK_PATH}/meetings/*`, timeoutRate: 1, times: 1 }]);
    expect((await client({ timeoutMs: 300 }).meetings.get(meeting.id)).id).toBe(meeting.id);
    expect(await faultCalls()).toEqual([2]);
  });

  it('honours a short Retry-After and hands a long one back to the caller', async () => {
    const meeting = { success: true, data: { id: 'm1' } };
    const patient = createRtkClient({
      apiBase: 'https://rtk.invalid/client/v4',
      accountId: 'a',
      appId: 'b',
      apiToken: 't',
      fetch: stubFetch(jsonAnswer(429, {}, { 'retry-after': '1' }), jsonAnswer(200, meeting)),
    });
    const started = Date.now();
    expect((await patient.meetings.get('m1')).id).toBe('m1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const busy = createRtkClient({
      apiBase: 'https://rtk.invalid/client/v4',
      accountId: 'a',
      appId: 'b',
      apiToken: 't',
      fetch: stubFetch(jsonAnswer(429, {}, { 'retry-after': '120' }), jsonAnswer(200, meeting)),
    });
    expect(await rtkError(busy.meetings.get('m1'))).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 120 });
  });
});

describe('the API token', () => {
  it('appears in no error message any test saw', () => {
    expect(seenErrors.length).toBeGreaterThan(15);
    for (const error of seenErrors) {
      expect(error.message).not.toContain(cloud.rtk.token);
      expect(String(error)).not.toContain(cloud.rtk.token);
    }
  });
});
