import { env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addMember, createOrg, type Session } from '../../test/helpers';
import { pollActiveSessions, reconcileStaleSessions } from '../analytics/polling';
import { deliver, FakeRtk, insertMeeting, meetingObject } from '../webhooks/fake-rtk.testkit';
import { sendQueuedNotifications } from './service';

let fake: FakeRtk;
let owner: Session;
let member: Session;

beforeAll(async () => {
  fake = await FakeRtk.start();
  owner = await createOrg('notify');
  member = await addMember(owner, 'member');
});
afterAll(() => vi.restoreAllMocks());

const mailRows = (sessionRtkId: string) =>
  env.DB.prepare(
    `SELECT n.user_id, n.status, n.attempts, n.subject FROM notifications n JOIN sessions s ON n.dedupe_key LIKE 'meeting-ended:' || s.id || ':%'
      WHERE s.rtk_session_id = ? ORDER BY n.user_id`,
  )
    .bind(sessionRtkId)
    .all<any>();

describe('post-meeting mail', () => {
  it('queues exactly one mail per participant with an account, even when participants arrive after the end', async () => {
    const meeting = await insertMeeting(owner, { title: 'Retro' });
    const m = (ended = false) =>
      meetingObject(meeting.rtkMeetingId, 'sess-mail', ended ? { endedAt: '2026-11-20T10:40:00.000Z' } : {});
    const noMail = fake.env({ MAIL_API_URL: '' });
    await deliver(fake, { event: 'meeting.ended', meeting: m(true) }, { env: noMail });
    for (const [peer, who] of [
      ['a', owner.user.id],
      ['b', member.user.id],
      ['c', 'guest-1'],
      ['d', member.user.id],
    ]) {
      await deliver(
        fake,
        {
          event: 'meeting.participantJoined',
          meeting: m(),
          participant: { peerId: peer, customParticipantId: who, joinedAt: '2026-11-20T10:01:00.000Z' },
        },
        { env: noMail },
      );
    }
    await deliver(fake, { event: 'meeting.ended', meeting: m(true), reason: 'HOST_ENDED_MEETING' }, { env: noMail });
    const queued = (await mailRows('sess-mail')).results;
    expect(queued.map((row) => [row.user_id, row.status])).toEqual(
      [
        [owner.user.id, 'queued'],
        [member.user.id, 'queued'],
      ].sort(),
    );
    expect(queued[0].subject).toBe('Meeting ended: Retro');

    // The mail API fails once: the row stays queued and goes out on the next run.
    const before = fake.mail.length;
    fake.faults.set('/mail', 1);
    expect(await sendQueuedNotifications(fake.env())).toEqual({ sent: 1, failed: 1 });
    expect(await sendQueuedNotifications(fake.env())).toEqual({ sent: 1, failed: 0 });
    expect(await sendQueuedNotifications(fake.env())).toEqual({ sent: 0, failed: 0 });
    const sent = fake.mail.slice(before);
    expect(sent.map((mail) => mail.to).sort()).toEqual([owner.user.email, member.user.email].sort());
    expect(sent[0]!.text).toMatch(/Duration: 40 min/);
    expect((await mailRows('sess-mail')).results.every((row) => row.status === 'sent')).toBe(true);
  });
});

describe('session polling (§9.3)', () => {
  it('stores RTK’s live participant count as a snapshot and raises the peak', async () => {
    const meeting = await insertMeeting(owner);
    await deliver(fake, { event: 'meeting.started', meeting: meetingObject(meeting.rtkMeetingId, 'sess-poll') });
    fake.liveSessions = [
      {
        id: 'sess-poll',
        associated_id: meeting.rtkMeetingId,
        live_participants: 7,
        started_at: '2026-11-20T10:00:00Z',
      },
      { id: 'sess-unknown', associated_id: 'nobody', live_participants: 3 },
    ];
    expect(await pollActiveSessions(fake.env())).toEqual({ polled: 2, snapshots: 1, reconciled: 0 });
    const session = await env.DB.prepare('SELECT id, peak_participant_count FROM sessions WHERE rtk_session_id = ?')
      .bind('sess-poll')
      .first<any>();
    expect(session.peak_participant_count).toBe(7);
    const snapshots = await env.DB.prepare('SELECT participant_count FROM session_snapshots WHERE session_id = ?')
      .bind(session.id)
      .all();
    expect(snapshots.results).toEqual([{ participant_count: 7 }]);
    fake.liveSessions = [];
  });

  it('closes a session whose meeting.ended never arrived, once RTK says it ended', async () => {
    const meeting = await insertMeeting(owner);
    await deliver(fake, {
      event: 'meeting.participantJoined',
      meeting: meetingObject(meeting.rtkMeetingId, 'sess-lost'),
      participant: { peerId: 'x', customParticipantId: member.user.id, joinedAt: '2026-11-20T10:01:00.000Z' },
    });
    const later = Date.now() + 20 * 60_000;
    // Still live at RTK: untouched.
    fake.sessions.set('sess-lost', { id: 'sess-lost', associated_id: meeting.rtkMeetingId, status: 'LIVE' });
    expect(await reconcileStaleSessions(fake.env(), new Set(), later)).toBe(0);
    fake.sessions.set('sess-lost', {
      id: 'sess-lost',
      associated_id: meeting.rtkMeetingId,
      status: 'ENDED',
      started_at: '2026-11-20T10:00:00.000Z',
      ended_at: '2026-11-20T10:45:00.000Z',
    });
    expect(await reconcileStaleSessions(fake.env(), new Set(['sess-lost']), later)).toBe(0); // listed live: skipped
    expect(await reconcileStaleSessions(fake.env(), new Set(), later)).toBe(1);
    const session = await env.DB.prepare(
      'SELECT id, status, ended_at, duration_seconds FROM sessions WHERE rtk_session_id = ?',
    )
      .bind('sess-lost')
      .first<any>();
    expect(session).toMatchObject({ status: 'ended', ended_at: '2026-11-20T10:45:00.000Z', duration_seconds: 2700 });
    const participant = await env.DB.prepare('SELECT left_at FROM session_participants WHERE session_id = ?')
      .bind(session.id)
      .first();
    expect(participant).toEqual({ left_at: '2026-11-20T10:45:00.000Z' });
    expect((await mailRows('sess-lost')).results.map((row) => row.user_id)).toEqual([member.user.id]);
    expect(await reconcileStaleSessions(fake.env(), new Set(), later)).toBe(0);
  });
});
