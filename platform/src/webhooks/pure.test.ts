import { describe, expect, it } from 'vitest';
import { isAllowedDownloadUrl } from '../post-meeting/downloads';
import { csvCell, parseChat, parseCsv, parseTranscript, toCsv } from '../post-meeting/formats';
import { overallStatus } from '../diagnostics/health';
import { formatDuration, meetingEndedMail } from '../notifications/service';
import { isoTime, parseEvent, PayloadError, readEnvelope, summarizeEvent } from './payload';
import { backoffAfterAttempt } from './queries';

describe('webhook payloads', () => {
  it('reads ids from nested or flat bodies and parses leniently', () => {
    expect(readEnvelope({ event: 'meeting.chatSynced', meetingId: 'm', sessionId: 's' })).toEqual({
      eventType: 'meeting.chatSynced',
      rtkMeetingId: 'm',
      rtkSessionId: 's',
    });
    expect(readEnvelope(null)).toEqual({ eventType: 'unknown', rtkMeetingId: null, rtkSessionId: null });
    const recording = parseEvent({
      event: 'recording.statusUpdate',
      meeting: { id: 'm', sessionId: 's' },
      recording: {
        id: 'r',
        status: 'uploaded',
        fileSize: '2048',
        recordingDuration: 61,
        startedTime: '2026-11-20T10:00:00Z',
      },
    });
    expect(recording).toMatchObject({
      status: 'uploaded',
      fileSizeBytes: 2048,
      durationSeconds: 61,
      startedAt: '2026-11-20T10:00:00.000Z',
    });
    expect(() =>
      parseEvent({ event: 'recording.statusUpdate', meeting: { id: 'm' }, recording: { id: 'r', status: 'WEIRD' } }),
    ).toThrow(PayloadError);
    expect(() => parseEvent({ event: 'meeting.started', meeting: { id: 'm' } })).toThrow(/session id/);
    expect(() =>
      parseEvent({ event: 'meeting.participantJoined', meeting: { id: 'm', sessionId: 's' }, participant: {} }),
    ).toThrow(/peer id/);
    expect(
      parseEvent({
        event: 'livestreaming.statusUpdate',
        streamId: 'x',
        status: 'live',
        streamKey: 'K',
        meeting: { id: 'm' },
      }),
    ).toEqual({
      type: 'livestreaming.statusUpdate',
      rtkMeetingId: 'm',
      streamId: 'x',
      status: 'LIVE',
      playbackUrl: null,
    });
  });

  it('normalises times and rejects nonsense', () => {
    expect(isoTime(1_763_632_800_000)).toBe('2025-11-20T10:00:00.000Z');
    expect(isoTime('1763632800000')).toBe('2025-11-20T10:00:00.000Z');
    for (const bad of ['', 'soon', -1, '1970-01-01T00:00:00Z', '9999-01-01T00:00:00Z', null, {}])
      expect(isoTime(bad)).toBeNull();
  });

  it('summarises without names', () => {
    const body = {
      event: 'meeting.participantJoined',
      meeting: { id: 'm', sessionId: 's' },
      participant: { peerId: 'p', userDisplayName: 'Ada Lovelace' },
    };
    const summary = summarizeEvent(readEnvelope(body), body);
    expect(summary).toBe('meeting.participantJoined meeting=m session=s peer=p');
  });
});

describe('download allowlist', () => {
  const env = { RTK_DOWNLOAD_ORIGINS: 'http://127.0.0.1:8787, not a url' };
  it.each([
    ['https://rtk-uploads.realtime.cloudflare.com/t.json', true],
    ['https://bucket.abc.r2.cloudflarestorage.com/x?sig=1', true],
    ['http://127.0.0.1:8787/files/t.json', true],
    ['http://rtk-uploads.realtime.cloudflare.com/t.json', false],
    ['https://realtime.cloudflare.com.evil.example/t.json', false],
    ['https://evil.example/?https://x.realtime.cloudflare.com', false],
    ['https://user:pw@x.realtime.cloudflare.com/t', false],
    ['https://x.realtime.cloudflare.com:8443/t', false],
    ['http://127.0.0.1:9999/t', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => expect(isAllowedDownloadUrl(url, env)).toBe(allowed));
});

describe('formats', () => {
  it('parses RFC 4180 CSV and writes formula-safe cells', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ]);
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(toCsv(['h'], [[null], [true]])).toBe('h\r\n\r\ntrue\r\n');
    expect(parseCsv(toCsv(['a', 'b'], [['x,\ny', '"q"']]))).toEqual([
      ['a', 'b'],
      ['x,\ny', '"q"'],
    ]);
  });

  it('keeps final transcript entries only, from JSON or CSV, in time order', () => {
    const json = JSON.stringify({
      transcript: [
        { name: 'B', transcript: 'second', timestamp: 2000, isPartialTranscript: false },
        { name: 'A', transcript: 'partial', timestamp: 1000, isPartialTranscript: true },
        { name: 'A', transcript: 'first', timestamp: 1000, isPartialTranscript: false },
      ],
    });
    expect(parseTranscript(json).map((entry) => entry.text)).toEqual(['first', 'second']);
    const csv =
      'name,transcript,isPartialTranscript,timestamp\nA,hello,false,2026-11-20T10:00:00Z\nA,hel,true,2026-11-20T09:59:59Z\n';
    expect(parseTranscript(csv)).toEqual([
      { speaker: 'A', peerId: null, userId: null, text: 'hello', at: '2026-11-20T10:00:00.000Z' },
    ]);
    expect(() => parseTranscript('{ nope')).toThrow();
  });

  it('maps chat exports: files, pins, private messages', () => {
    const messages = parseChat(
      JSON.stringify([
        {
          id: '1',
          userId: 'u1',
          displayName: 'A',
          type: 'file',
          payload: { name: 'r.pdf', link: 'https://x/r.pdf' },
          pinned: true,
          createdAt: 1763632800000,
        },
        {
          id: '2',
          userId: 'u2',
          displayName: 'B',
          type: 'text',
          message: 'psst',
          targetUserIds: ['u1'],
          createdAt: '2026-11-20T10:00:00Z',
        },
        { userId: 'u3', type: 'image', payload: 'img' },
      ]),
      '2026-11-20T11:00:00.000Z',
    );
    expect(messages[0]).toMatchObject({
      messageType: 'file',
      fileName: 'r.pdf',
      fileUrl: 'https://x/r.pdf',
      isPinned: true,
    });
    expect(messages[1]).toMatchObject({ isPrivate: true, recipientUserId: 'u1', content: 'psst' });
    expect(messages[2]).toMatchObject({
      rtkMessageId: 'pos-2',
      messageType: 'image',
      sentAt: '2026-11-20T11:00:00.000Z',
    });
  });
});

describe('small rules', () => {
  it('health status', () => {
    const ok = { ok: true, latencyMs: 5 };
    expect(overallStatus({ d1: ok, kv: ok, r2: ok, rtk: ok })).toBe('healthy');
    expect(overallStatus({ d1: ok, kv: { ok: true, latencyMs: 2500 }, r2: ok, rtk: ok })).toBe('degraded');
    expect(overallStatus({ d1: ok, kv: ok, r2: ok, rtk: { ok: false, latencyMs: null, skipped: true } })).toBe(
      'degraded',
    );
    expect(overallStatus({ d1: { ok: false, latencyMs: 1 }, kv: ok, r2: ok, rtk: ok })).toBe('unhealthy');
  });

  it('backoff and mail text', () => {
    expect([1, 2, 3].map(backoffAfterAttempt)).toEqual([60_000, 300_000, 900_000]);
    expect(formatDuration(3725)).toBe('1 h 2 min');
    expect(formatDuration(59)).toBe('59 s');
    const mail = meetingEndedMail({
      title: 'Standup',
      durationSeconds: 600,
      summary: 'x'.repeat(300),
      link: 'https://m/1',
    });
    expect(mail.text).toContain(`Summary: ${'x'.repeat(200)}…`);
    expect(meetingEndedMail({ title: 'S', durationSeconds: null, summary: null, link: 'l' }).text).toContain(
      'Processing',
    );
  });
});
