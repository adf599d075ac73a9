import { env } from 'cloudflare:test';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { addMember, createOrg, type Session } from '../../test/helpers';
import { deliver, FakeRtk, insertMeeting, makeKeyPair, meetingObject } from './fake-rtk.testkit';
import { retryPendingEvents } from './ingest';
import { resetKeyRefetchThrottle } from './public-key';

let fake: FakeRtk;
let owner: Session;
let member: Session;

beforeAll(async () => {
  fake = await FakeRtk.start();
  owner = await createOrg('hooks');
  member = await addMember(owner, 'member');
});
afterAll(() => vi.restoreAllMocks());
beforeEach(() => resetKeyRefetchThrottle());

const count = async (sql: string, ...values: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...values)
    .first<{ n: number }>())!.n;

const startedPayload = (rtkMeetingId: string, sessionId: string) => ({
  event: 'meeting.started',
  meeting: meetingObject(rtkMeetingId, sessionId),
});

describe('webhook authenticity', () => {
  it('accepts RTK’s signature over the raw bytes and refuses everything else with 401', async () => {
    const meeting = await insertMeeting(owner);
    const raw = JSON.stringify(startedPayload(meeting.rtkMeetingId, 'sess-auth'));
    const signature = await fake.key.sign(raw);
    const flipped = `${raw.slice(0, -2)}${raw.at(-2) === '}' ? ' ' : '}'}}`;
    const reserialized = JSON.stringify(JSON.parse(raw), null, 2);
    const other = await makeKeyPair();
    const before = await count('SELECT COUNT(*) AS n FROM webhook_events');
    for (const [label, body, sig] of [
      ['flipped byte', flipped, signature],
      ['re-serialised JSON', reserialized, signature],
      ['other key', raw, await other.sign(raw)],
      ['missing', raw, null],
      ['garbage', raw, '!!!not-base64!!!'],
      ['truncated', raw, signature.slice(0, 40)],
    ] as const) {
      const response = await deliver(fake, body, { signature: sig });
      expect(response.status, label).toBe(401);
      expect((await response.json<any>()).error.code).toBe('invalid_signature');
    }
    expect(await count('SELECT COUNT(*) AS n FROM webhook_events')).toBe(before);
    const ok = await deliver(fake, raw, { signature });
    expect(ok.status).toBe(200);
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE rtk_session_id = ?', 'sess-auth')).toBe(1);
  });

  it('refuses bodies over 1 MB with 413 before reading them', async () => {
    const big = JSON.stringify({ event: 'meeting.started', padding: 'x'.repeat(1_100_000) });
    for (const path of ['/webhooks/rtk', '/api/webhooks/rtk']) {
      const response = await deliver(fake, big, { path });
      expect(response.status).toBe(413);
      expect((await response.json<any>()).error.code).toBe('payload_too_large');
    }
  });

  it('serves the /api alias identically', async () => {
    const meeting = await insertMeeting(owner);
    const response = await deliver(fake, startedPayload(meeting.rtkMeetingId, 'sess-alias'), {
      path: '/api/webhooks/rtk',
    });
    expect(response.status).toBe(200);
    const bad = await deliver(fake, startedPayload(meeting.rtkMeetingId, 'sess-alias2'), {
      path: '/api/webhooks/rtk',
      signature: null,
    });
    expect(bad.status).toBe(401);
  });

  it('caches the key in KV and refetches it once when RTK rotates it', async () => {
    const meeting = await insertMeeting(owner);
    await deliver(fake, startedPayload(meeting.rtkMeetingId, 'sess-k0'));
    const keyFetches = () => fake.fetched.filter((url) => url.endsWith('/.well-known/webhooks.json')).length;
    const before = keyFetches();
    expect((await deliver(fake, startedPayload(meeting.rtkMeetingId, 'sess-k1'))).status).toBe(200);
    expect(keyFetches()).toBe(before); // served from the KV cache
    const oldKey = fake.key;
    fake.key = await makeKeyPair(); // RTK rotates
    expect((await deliver(fake, startedPayload(meeting.rtkMeetingId, 'sess-k2'))).status).toBe(200);
    expect(keyFetches()).toBe(before + 1);
    // A forged delivery signed with the retired key: one refetch (throttled), then 401.
    resetKeyRefetchThrottle();
    const raw = JSON.stringify(startedPayload(meeting.rtkMeetingId, 'sess-k3'));
    expect((await deliver(fake, raw, { signature: await oldKey.sign(raw) })).status).toBe(401);
    expect((await deliver(fake, raw, { signature: await oldKey.sign(raw) })).status).toBe(401);
    expect(keyFetches()).toBe(before + 2);
  });

  it('answers 503 (RTK retries) when no key can be obtained, storing nothing', async () => {
    const meeting = await insertMeeting(owner);
    await env.KV_CACHE.delete('cache:rtk:webhook-public-key');
    fake.faults.set('/.well-known/webhooks.json', 1);
    const response = await deliver(fake, startedPayload(meeting.rtkMeetingId, 'sess-nokey'));
    expect(response.status).toBe(503);
    expect(await count('SELECT COUNT(*) AS n FROM webhook_events WHERE rtk_session_id = ?', 'sess-nokey')).toBe(0);
  });
});

describe('deduplication and storage', () => {
  it('stores a delivery once, whether RTK repeats the uuid or sends the same body under a new uuid', async () => {
    const meeting = await insertMeeting(owner);
    const payload = startedPayload(meeting.rtkMeetingId, 'sess-dup');
    const uuid = crypto.randomUUID();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await (await deliver(fake, payload, { uuid })).json<any>());
    answers.push(await (await deliver(fake, payload, { uuid: crypto.randomUUID() })).json<any>());
    answers.push(await (await deliver(fake, payload, { uuid: null })).json<any>());
    expect(answers.map((answer) => answer.duplicate)).toEqual([false, true, true, true, true]);
    expect(await count('SELECT COUNT(*) AS n FROM webhook_events WHERE rtk_session_id = ?', 'sess-dup')).toBe(1);
    expect(
      await count('SELECT COUNT(*) AS n FROM diagnostic_webhook_deliveries WHERE session_id = ?', 'sess-dup'),
    ).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE rtk_session_id = ?', 'sess-dup')).toBe(1);
  });

  it('records events for meetings it does not know, and touches nothing else', async () => {
    const response = await deliver(fake, startedPayload('rtk-unknown-meeting', 'sess-unknown'));
    expect(response.status).toBe(200);
    const row = await env.DB.prepare(
      'SELECT org_id, processed, error_message FROM webhook_events WHERE rtk_session_id = ?',
    )
      .bind('sess-unknown')
      .first();
    expect(row).toEqual({ org_id: null, processed: 1, error_message: expect.stringMatching(/^ignored/) });
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE rtk_session_id = ?', 'sess-unknown')).toBe(0);
  });

  it('keeps a signed body it cannot parse (200, never a lost 4xx) and dead-letters a poison event', async () => {
    const meeting = await insertMeeting(owner);
    const broken = await deliver(fake, '{"event": "meeting.started", ');
    expect(broken.status).toBe(200);
    const poison = await deliver(fake, {
      event: 'meeting.participantJoined',
      meeting: meetingObject(meeting.rtkMeetingId, 'sess-poison'),
      participant: {},
    });
    expect(poison.status).toBe(200);
    const delivery = await env.DB.prepare(
      'SELECT status, error_message FROM diagnostic_webhook_deliveries WHERE session_id = ?',
    )
      .bind('sess-poison')
      .first<any>();
    expect(delivery.status).toBe('retry_exhausted');
    expect(delivery.error_message).toMatch(/peer id/);
  });
});

describe('every §9.2 event', () => {
  it('turns a whole session into the right rows', async () => {
    const meeting = await insertMeeting(owner, { title: 'All events' });
    const sid = 'sess-all';
    const m = (ended = false) =>
      meetingObject(meeting.rtkMeetingId, sid, {
        startedAt: '2026-11-20T10:00:00.000Z',
        ...(ended ? { endedAt: '2026-11-20T10:30:00.000Z' } : {}),
      });
    const person = {
      peerId: 'p-1',
      userDisplayName: 'Member',
      customParticipantId: member.user.id,
      joinedAt: '2026-11-20T10:01:00.000Z',
    };
    const guest = {
      peerId: 'p-2',
      userDisplayName: 'Guest',
      customParticipantId: 'guest-x',
      joinedAt: '2026-11-20T10:02:00.000Z',
    };
    fake.recordings.set('rec-all', {
      id: 'rec-all',
      status: 'UPLOADED',
      download_url: 'https://files.rtk.test/r.mp4',
      recording_duration: 1700,
      file_size: 99,
      video_config: { codec: 'VP8' },
    });
    const events = [
      { event: 'meeting.started', meeting: m() },
      { event: 'meeting.participantJoined', meeting: m(), participant: person },
      { event: 'meeting.participantJoined', meeting: m(), participant: guest },
      {
        event: 'recording.statusUpdate',
        meeting: m(),
        recording: { id: 'rec-all', status: 'RECORDING', startedTime: '2026-11-20T10:03:00.000Z' },
      },
      {
        event: 'livestreaming.statusUpdate',
        streamId: 'ls-1',
        status: 'LIVE',
        playbackUrl: 'https://x.test/p.m3u8',
        streamKey: 'SECRET-KEY',
        ingestServer: 'rtmp://x',
        meeting: { id: meeting.rtkMeetingId },
      },
      { event: 'meeting.participantLeft', meeting: m(), participant: { ...guest, leftAt: '2026-11-20T10:10:00.000Z' } },
      {
        event: 'livestreaming.statusUpdate',
        streamId: 'ls-1',
        status: 'OFFLINE',
        meeting: { id: meeting.rtkMeetingId },
      },
      {
        event: 'meeting.participantLeft',
        meeting: m(),
        participant: { ...person, leftAt: '2026-11-20T10:29:00.000Z' },
      },
      {
        event: 'recording.statusUpdate',
        meeting: m(),
        recording: {
          id: 'rec-all',
          status: 'UPLOADED',
          downloadUrl: 'https://files.rtk.test/r.mp4',
          fileSize: '99',
          recordingDuration: 1700,
        },
      },
      { event: 'meeting.ended', meeting: m(true), reason: 'ALL_PARTICIPANTS_LEFT' },
      {
        event: 'meeting.transcript',
        meeting: m(true),
        transcriptDownloadUrl: fake.file(
          'all/t.json',
          JSON.stringify([
            { name: 'Member', transcript: 'Hi', isPartialTranscript: false, timestamp: 1 },
            { name: 'Member', transcript: 'H', isPartialTranscript: true, timestamp: 0 },
          ]),
        ),
      },
      {
        event: 'meeting.summary',
        meeting: m(true),
        summaryDownloadUrl: fake.file('all/s.md', '## Summary\nAll good.', 'text/markdown'),
      },
      {
        event: 'meeting.chatSynced',
        sessionId: sid,
        meetingId: meeting.rtkMeetingId,
        chatDownloadUrl: fake.file(
          'all/c.csv',
          'id,userId,displayName,type,message,pinned,createdAt\nc1,u,Member,text,"Hello, world",true,2026-11-20T10:05:00Z\nc2,u,Member,file,report.pdf,false,2026-11-20T10:06:00Z\n',
          'text/csv',
        ),
      },
    ];
    for (const payload of events) expect((await deliver(fake, payload)).status).toBe(200);

    const session = await env.DB.prepare('SELECT * FROM sessions WHERE rtk_session_id = ?').bind(sid).first<any>();
    expect(session).toMatchObject({
      status: 'ended',
      started_at: '2026-11-20T10:00:00.000Z',
      ended_at: '2026-11-20T10:30:00.000Z',
      duration_seconds: 1800,
      total_participants: 2,
      peak_participant_count: 2,
      participant_count: 0,
      has_recording: 1,
      has_transcript: 1,
      has_summary: 1,
      has_chat: 1,
    });
    const participants = (
      await env.DB.prepare(
        'SELECT rtk_participant_id, user_id, is_guest, duration_seconds FROM session_participants WHERE session_id = ? ORDER BY rtk_participant_id',
      )
        .bind(session.id)
        .all()
    ).results;
    expect(participants).toEqual([
      { rtk_participant_id: 'p-1', user_id: member.user.id, is_guest: 0, duration_seconds: 1680 },
      { rtk_participant_id: 'p-2', user_id: null, is_guest: 1, duration_seconds: 480 },
    ]);
    const recording = await env.DB.prepare(
      'SELECT status, codec, duration_seconds, file_size_bytes, session_id FROM recordings WHERE rtk_recording_id = ?',
    )
      .bind('rec-all')
      .first();
    expect(recording).toEqual({
      status: 'uploaded',
      codec: 'VP8',
      duration_seconds: 1700,
      file_size_bytes: 99,
      session_id: session.id,
    });
    expect(
      await count("SELECT COUNT(*) AS n FROM recording_status_events WHERE status IN ('recording','uploaded')"),
    ).toBeGreaterThanOrEqual(2);
    const livestream = await env.DB.prepare(
      'SELECT status, playback_url, started_at IS NOT NULL AS started, ended_at IS NOT NULL AS ended FROM livestreams WHERE rtk_livestream_id = ?',
    )
      .bind('ls-1')
      .first();
    expect(livestream).toEqual({ status: 'OFFLINE', playback_url: 'https://x.test/p.m3u8', started: 1, ended: 1 });
    const transcript = await env.DB.prepare('SELECT transcript_json FROM transcripts WHERE session_id = ?')
      .bind(session.id)
      .first<any>();
    expect(JSON.parse(transcript.transcript_json).map((entry: any) => entry.text)).toEqual(['Hi']);
    expect(
      await env.DB.prepare('SELECT summary_markdown FROM summaries WHERE session_id = ?').bind(session.id).first(),
    ).toEqual({ summary_markdown: '## Summary\nAll good.' });
    const chat = (
      await env.DB.prepare(
        'SELECT rtk_message_id, message_type, content, is_pinned FROM chat_messages WHERE session_id = ? ORDER BY sent_at',
      )
        .bind(session.id)
        .all()
    ).results;
    expect(chat).toEqual([
      { rtk_message_id: 'c1', message_type: 'text', content: 'Hello, world', is_pinned: 1 },
      { rtk_message_id: 'c2', message_type: 'file', content: 'report.pdf', is_pinned: 0 },
    ]);
    const meetingRow = await env.DB.prepare('SELECT status, actual_start, actual_end FROM meetings WHERE id = ?')
      .bind(meeting.id)
      .first();
    expect(meetingRow).toEqual({
      status: 'ended',
      actual_start: '2026-11-20T10:00:00.000Z',
      actual_end: '2026-11-20T10:30:00.000Z',
    });
    expect(await env.KV_MEETING_STATE.get(`active:${owner.org.id}:${meeting.id}`)).toBeNull();
    // The stream key never leaves the raw event.
    for (const table of ['livestreams', 'diagnostic_webhook_deliveries']) {
      const dump = JSON.stringify((await env.DB.prepare(`SELECT * FROM ${table}`).all()).results);
      expect(dump).not.toContain('SECRET-KEY');
    }
    // One mail for the member (the only participant with an account), none for the guest.
    const mail = (
      await env.DB.prepare('SELECT user_id, recipient_email, status FROM notifications WHERE dedupe_key LIKE ?')
        .bind(`%${session.id}%`)
        .all()
    ).results;
    expect(mail).toEqual([{ user_id: member.user.id, recipient_email: member.user.email, status: 'sent' }]);
    expect(fake.mail.filter((sent) => sent.to === member.user.email).at(-1)?.text).toContain(
      `/meetings/${meeting.id}/sessions/${session.id}`,
    );
  });

  it('keeps a live session in KV meeting-state and counts participants in real time', async () => {
    const meeting = await insertMeeting(owner, { schedulingType: 'permanent' });
    const m = meetingObject(meeting.rtkMeetingId, 'sess-live');
    await deliver(fake, {
      event: 'meeting.participantJoined',
      meeting: m,
      participant: { peerId: 'a', joinedAt: '2026-11-20T10:01:00Z' },
    });
    await deliver(fake, {
      event: 'meeting.participantJoined',
      meeting: m,
      participant: { peerId: 'b', joinedAt: '2026-11-20T10:02:00Z' },
    });
    const state = JSON.parse((await env.KV_MEETING_STATE.get(`active:${owner.org.id}:${meeting.id}`))!);
    expect(state.participantCount).toBe(2);
    const room = await env.DB.prepare('SELECT status, room_state FROM meetings WHERE id = ?').bind(meeting.id).first();
    expect(room).toEqual({ status: 'active', room_state: 'active' });
  });

  it('does not fetch download URLs outside the allowlist', async () => {
    const meeting = await insertMeeting(owner);
    const fetchedBefore = fake.fetched.length;
    for (const url of [
      'https://evil.example/t.json',
      'http://files.rtk.test/t.json',
      'https://user:pw@files.rtk.test.evil.example/x',
      'file:///etc/passwd',
    ]) {
      await deliver(fake, {
        event: 'meeting.transcript',
        meeting: meetingObject(meeting.rtkMeetingId, 'sess-allow'),
        transcriptDownloadUrl: url,
      });
    }
    expect(fake.fetched.slice(fetchedBefore).filter((url) => !url.endsWith('webhooks.json'))).toEqual([]);
    const failures = await count(
      "SELECT COUNT(*) AS n FROM diagnostic_webhook_deliveries WHERE session_id = 'sess-allow' AND error_message LIKE '%allowlist%'",
    );
    expect(failures).toBe(4);
  });
});

describe('retries', () => {
  it('retries a failed event by cron with backoff and reaches processed', async () => {
    const meeting = await insertMeeting(owner);
    fake.faults.set('/retry/summary.md', 2);
    const url = fake.file('retry/summary.md', 'Done.', 'text/markdown');
    await deliver(fake, {
      event: 'meeting.summary',
      meeting: meetingObject(meeting.rtkMeetingId, 'sess-retry'),
      summaryDownloadUrl: url,
    });
    const state = () =>
      env.DB.prepare('SELECT status, attempt FROM diagnostic_webhook_deliveries WHERE session_id = ?')
        .bind('sess-retry')
        .first();
    expect(await state()).toEqual({ status: 'failed', attempt: 1 });
    // Not due yet: the backoff holds it back.
    expect((await retryPendingEvents(fake.env(), { now: Date.now() + 10_000 })).attempted).toBe(0);
    await retryPendingEvents(fake.env(), { now: Date.now() + 2 * 60_000 });
    expect(await state()).toEqual({ status: 'failed', attempt: 2 });
    await retryPendingEvents(fake.env(), { now: Date.now() + 20 * 60_000 });
    expect(await state()).toEqual({ status: 'processed', attempt: 3 });
    expect(
      await count(
        'SELECT COUNT(*) AS n FROM summaries s JOIN sessions x ON x.id = s.session_id WHERE x.rtk_session_id = ?',
        'sess-retry',
      ),
    ).toBe(1);
  });

  it('gives up after 3 attempts with retry_exhausted, visible in diagnostics', async () => {
    const meeting = await insertMeeting(owner);
    await deliver(fake, {
      event: 'meeting.summary',
      meeting: meetingObject(meeting.rtkMeetingId, 'sess-dead'),
      summaryDownloadUrl: 'https://files.rtk.test/never-there.md',
    });
    for (const minutes of [2, 20, 60, 120])
      await retryPendingEvents(fake.env(), { now: Date.now() + minutes * 60_000 });
    const delivery = await env.DB.prepare(
      'SELECT status, attempt FROM diagnostic_webhook_deliveries WHERE session_id = ?',
    )
      .bind('sess-dead')
      .first();
    expect(delivery).toEqual({ status: 'retry_exhausted', attempt: 3 });
    const event = await env.DB.prepare(
      'SELECT processed, attempts, next_attempt_at FROM webhook_events WHERE rtk_session_id = ?',
    )
      .bind('sess-dead')
      .first();
    expect(event).toEqual({ processed: 0, attempts: 3, next_attempt_at: null });
    const list = await (await import('../../test/helpers')).call(
      'GET',
      '/api/diagnostics/webhooks?status=retry_exhausted',
      { token: owner.token },
    );
    if (list.status !== 404) expect(JSON.stringify(await list.json())).toContain('retry_exhausted');
  });
});
