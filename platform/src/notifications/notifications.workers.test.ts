import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrg, localCloudUrl, type Session } from '../../test/helpers';
import { pollActiveSessions, reconcileStaleSessions } from '../analytics/polling';
import { type LocalRtk, localRtk, personOf, type RtkDelivery } from '../webhooks/local-rtk.testkit';
import { sendQueuedNotifications } from './service';

let rtk: LocalRtk;
let owner: Session;
let member: Session;

beforeAll(async () => {
  rtk = await localRtk('notifications');
  owner = await createOrg('notify');
  member = await addMember(owner, 'member');
});

const mailRows = (rtkSessionId: string) =>
  env.DB.prepare(
    `SELECT n.user_id, n.status, n.subject FROM notifications n JOIN sessions s ON n.dedupe_key LIKE 'meeting-ended:' || s.id || ':%'
      WHERE s.rtk_session_id = ? ORDER BY n.user_id`,
  )
    .bind(rtkSessionId)
    .all<{ user_id: string; status: string; subject: string }>();

/** The mail the local cloud's mail sink received for someone about one session. */
async function inbox(person: Session, rtkSessionId: string) {
  const sessionId = (await env.DB.prepare('SELECT id FROM sessions WHERE rtk_session_id = ?')
    .bind(rtkSessionId)
    .first<{ id: string }>())!.id;
  const response = await fetch(`${localCloudUrl}/__local/mail?to=${encodeURIComponent(person.user.email)}`);
  const { messages } = await response.json<{ messages: { subject: string; text: string }[] }>();
  return messages.filter((mail) => mail.text.includes(`/sessions/${sessionId}`));
}

describe('post-meeting mail', () => {
  it('queues exactly one mail per participant with an account, even when participants arrive after the end', async () => {
    const meeting = await rtk.meeting(owner, { title: 'Retro' });
    const [ownerId, memberId] = [
      await rtk.participant(meeting, personOf(owner)),
      await rtk.participant(meeting, personOf(member)),
    ];
    // The member joins from two devices; one guest comes too.
    const { truth, deliveries } = await rtk.play(meeting, {
      participantIds: [ownerId, memberId, memberId],
      participants: 1,
      minutes: 40,
      transcript: false,
      seed: 3,
    });
    const ended = deliveries.filter((delivery) => delivery.event === 'meeting.ended');
    const noMail = { ...rtk.env, MAIL_API_URL: '' };
    const deliverAll = async (list: RtkDelivery[]) => {
      for (const delivery of list) expect((await rtk.deliver(delivery, { env: noMail })).status).toBe(200);
    };
    // meeting.ended first, then everything else (its second copy under a new uuid is still the same event).
    await deliverAll(ended);
    await deliverAll(deliveries.filter((delivery) => delivery.event !== 'meeting.ended'));
    await rtk.deliver(ended[0]!, { env: noMail, uuid: crypto.randomUUID() });
    const queued = (await mailRows(truth.sessionId)).results;
    expect(queued.map((row) => [row.user_id, row.status])).toEqual(
      [
        [owner.user.id, 'queued'],
        [member.user.id, 'queued'],
      ].sort(),
    );
    expect(queued[0]!.subject).toBe('Meeting ended: Retro');

    // The mail API fails once for the member: that mail stays queued and goes out on the next run.
    await rtk.setFaults([{ target: 'mail', path: member.user.email, status: 503, failNth: [1] }]);
    expect(await sendQueuedNotifications(rtk.env)).toEqual({ sent: 1, failed: 1 });
    expect(await sendQueuedNotifications(rtk.env)).toEqual({ sent: 1, failed: 0 });
    expect(await sendQueuedNotifications(rtk.env)).toEqual({ sent: 0, failed: 0 });
    await rtk.clearFaults();
    for (const person of [owner, member]) {
      const mail = await inbox(person, truth.sessionId);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.text).toMatch(/Duration: 40 min/);
    }
    expect((await mailRows(truth.sessionId)).results.every((row) => row.status === 'sent')).toBe(true);
  });
});

describe('session polling (§9.3)', () => {
  it('stores RTK’s live participant count as a snapshot and raises the peak', async () => {
    const meeting = await rtk.meeting(owner);
    const people = [];
    for (const person of [owner, member, owner])
      people.push(await rtk.join(await rtk.participant(meeting, personOf(person))));
    // Only meeting.started has reached us: the joins are still on their way.
    await rtk.deliver(people[0]!.deliveries.find((delivery) => delivery.event === 'meeting.started')!);
    // A live session of a meeting we do not know is skipped.
    const stranger = await rtk.rtk.meetings.create({ title: 'Not ours' });
    const strangerPeer = await rtk.join(await rtk.participant({ id: '', rtkMeetingId: stranger.id }, personOf(member)));
    expect(await pollActiveSessions(rtk.env)).toEqual({ polled: 2, snapshots: 1, reconciled: 0 });
    const session = await env.DB.prepare('SELECT id, peak_participant_count FROM sessions WHERE rtk_session_id = ?')
      .bind(people[0]!.sessionId)
      .first<{ id: string; peak_participant_count: number }>();
    expect(session!.peak_participant_count).toBe(3);
    const snapshots = await env.DB.prepare('SELECT participant_count FROM session_snapshots WHERE session_id = ?')
      .bind(session!.id)
      .all();
    expect(snapshots.results).toEqual([{ participant_count: 3 }]);
    // Everyone leaves; RTK's webhooks for that reach us, so the session ends here too.
    for (const { peerId } of [...people, strangerPeer])
      for (const delivery of await rtk.leave(peerId)) await rtk.deliver(delivery);
  });

  it('closes a session whose meeting.ended never arrived, once RTK says it ended', async () => {
    const meeting = await rtk.meeting(owner);
    const joined = await rtk.join(await rtk.participant(meeting, personOf(member)));
    for (const delivery of joined.deliveries) await rtk.deliver(delivery);
    const later = Date.now() + 20 * 60_000;
    // Still live at RTK: untouched.
    expect(await reconcileStaleSessions(rtk.env, new Set(), later)).toBe(0);
    // The member leaves and RTK ends the session, but neither the leave nor meeting.ended reaches us.
    const lost = await rtk.leave(joined.peerId);
    expect(lost.map((delivery) => delivery.event)).toContain('meeting.ended');
    expect(await reconcileStaleSessions(rtk.env, new Set([joined.sessionId]), later)).toBe(0); // listed live: skipped
    expect(await reconcileStaleSessions(rtk.env, new Set(), later)).toBe(1);
    const atRtk = await rtk.rtk.sessions.get(joined.sessionId);
    const session = await env.DB.prepare(
      'SELECT id, status, started_at, ended_at, duration_seconds FROM sessions WHERE rtk_session_id = ?',
    )
      .bind(joined.sessionId)
      .first<{ id: string }>();
    expect(session).toMatchObject({ status: 'ended', started_at: atRtk.started_at, ended_at: atRtk.ended_at });
    const participant = await env.DB.prepare('SELECT left_at FROM session_participants WHERE session_id = ?')
      .bind(session!.id)
      .first();
    expect(participant).toEqual({ left_at: atRtk.ended_at });
    expect((await mailRows(joined.sessionId)).results.map((row) => row.user_id)).toEqual([member.user.id]);
    expect(await reconcileStaleSessions(rtk.env, new Set(), later)).toBe(0);
  });

  it('goes on with the other sessions when closing one fails at RTK, and closes that one next run', async () => {
    const room = await rtk.meeting(owner, { schedulingType: 'permanent', title: 'Room' });
    const plain = await rtk.meeting(owner, { title: 'Plain' });
    const lost = [];
    for (const meeting of [room, plain]) {
      const joined = await rtk.join(await rtk.participant(meeting, personOf(member)));
      for (const delivery of joined.deliveries) await rtk.deliver(delivery);
      lost.push(await rtk.leave(joined.peerId)); // meeting.ended never reaches us
    }
    // RTK refuses to close the permanent room (every attempt of the PATCH).
    await rtk.setFaults([
      { method: 'PATCH', path: rtk.api(`/meetings/${room.rtkMeetingId}`), status: 500, errorRate: 1, times: 3 },
    ]);
    const later = Date.now() + 20 * 60_000;
    expect(await reconcileStaleSessions(rtk.env, new Set(), later)).toBe(1);
    await rtk.clearFaults();
    expect(await reconcileStaleSessions(rtk.env, new Set(), later)).toBe(1);
    expect((await rtk.rtk.meetings.get(room.rtkMeetingId)).status).toBe('INACTIVE');
    expect(await reconcileStaleSessions(rtk.env, new Set(), later)).toBe(0);
  });
});
