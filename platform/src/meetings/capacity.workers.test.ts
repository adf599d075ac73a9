import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createOrg, expectError, json, multiOrgEnv, type Session } from '../../test/helpers';
import { createMeeting, join, rowOf, rtk } from './meetings.testkit';
import type { ErrorEnvelope } from '@castio/shared/schemas';
import { countSeats } from './queries';

/** The caps of §6.8 must hold when many requests arrive at once: D1 decides each seat in one statement. */
let owner: Session;
let members: Session[];

beforeAll(async () => {
  owner = await createOrg('capacity');
  members = [];
  // 50 distinct people (a person re-joining keeps their seat, so the cap is about people, not requests).
  for (let batch = 0; batch < 5; batch++)
    members.push(
      ...(await Promise.all(Array.from({ length: 10 }, (_, i) => addMember(owner, 'member', `m${batch}-${i}`)))),
    );
}, 120_000);

describe('participants per meeting', () => {
  it('never exceeds maxParticipants under 50 concurrent joins', async () => {
    const meeting = await createMeeting(owner, { schedulingType: 'instant', title: 'Town hall', maxParticipants: 10 });
    const responses = await Promise.all(members.map((member) => join(member, meeting.id)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40);
    const refused = await json<ErrorEnvelope>(responses.find((response) => response.status === 429)!);
    expect(refused.error).toMatchObject({ code: 'capacity_reached' });
    expect(refused.error.message).toContain('full (10 participants)');
    expect(responses.find((response) => response.status === 429)!.headers.get('retry-after')).toBeTruthy();
    expect(await countSeats(multiOrgEnv.DB, meeting.id, null)).toEqual({ people: 10, guests: 0 });
    const row = await rowOf(meeting.id);
    const inRtk = await rtk.participants.list(row!.rtk_meeting_id!, { perPage: 100 });
    expect(inRtk.items).toHaveLength(10);

    // Someone already in may come back (second tab) without a free seat.
    const admitted = members[statuses.indexOf(200)]!;
    expect((await join(admitted, meeting.id)).status).toBe(200);
    expect((await countSeats(multiOrgEnv.DB, meeting.id, null)).people).toBe(10);
  });

  it('caps guests at half the seats unless the meeting says otherwise', async () => {
    const meeting = await createMeeting(owner, {
      schedulingType: 'instant',
      title: 'Open day',
      maxParticipants: 8,
      guestAccess: 'open',
      waitingRoomEnabled: false,
    });
    const guests = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('POST', `/api/meetings/${meeting.id}/guest-join`, { body: { displayName: `Guest ${i}` } }),
      ),
    );
    expect(guests.filter((response) => response.status === 200)).toHaveLength(4);
    const refused = await json<ErrorEnvelope>(guests.find((response) => response.status === 429)!);
    expect(refused.error.code).toBe('capacity_reached');
    expect(refused.error.message).toContain('no more room for guests');
    // Members still fit in the remaining seats.
    const memberJoins = await Promise.all(members.slice(0, 6).map((member) => join(member, meeting.id)));
    expect(memberJoins.filter((response) => response.status === 200)).toHaveLength(4);
    expect(await countSeats(multiOrgEnv.DB, meeting.id, null)).toEqual({ people: 8, guests: 4 });
  });

  it('frees a seat when RTK reports that someone left', async () => {
    const meeting = await createMeeting(owner, { schedulingType: 'instant', title: 'Tiny', maxParticipants: 2 });
    const [first, second, third] = members;
    expect((await join(first!, meeting.id)).status).toBe(200);
    expect((await join(second!, meeting.id)).status).toBe(200);
    await expectError(await join(third!, meeting.id), 429, 'capacity_reached');
    await multiOrgEnv.DB.prepare(
      "INSERT INTO participant_events (id, org_id, meeting_id, user_id, event_type) VALUES ('left-1', ?, ?, ?, 'left')",
    )
      .bind(owner.org.id, meeting.id, first!.user.id)
      .run();
    expect((await join(third!, meeting.id)).status).toBe(200);
  });
});

describe('concurrent meetings per org', () => {
  it('never runs more meetings than max_concurrent_meetings, even when created at once', async () => {
    const org = await createOrg('concurrency');
    const hosts = await Promise.all(Array.from({ length: 3 }, (_, i) => addMember(org, 'host', `h${i}`)));
    const patched = await call('PATCH', '/api/org/settings', { token: org.token, body: { maxConcurrentMeetings: 3 } });
    expect(patched.status).toBe(200);
    const creators = [org, ...hosts, org, ...hosts];
    const responses = await Promise.all(
      creators.map((session, i) =>
        call('POST', '/api/meetings', {
          token: session.token,
          body: { schedulingType: 'instant', title: `Room ${i}` },
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    const refused = await json<ErrorEnvelope>(responses.find((response) => response.status === 429)!);
    expect(refused.error.code).toBe('capacity_reached');
    const { active } = (await multiOrgEnv.DB.prepare(
      "SELECT COUNT(*) AS active FROM meetings WHERE org_id = ? AND status = 'active'",
    )
      .bind(org.org.id)
      .first<{ active: number }>())!;
    expect(active).toBe(3);
    // Refused creations leave no draft behind.
    const { total } = (await multiOrgEnv.DB.prepare('SELECT COUNT(*) AS total FROM meetings WHERE org_id = ?')
      .bind(org.org.id)
      .first<{ total: number }>())!;
    expect(total).toBe(3);
  });
});
