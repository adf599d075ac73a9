import { beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, expectError, jsonOf, multiOrgEnv, type Session } from '../../test/helpers';
import { revokeIdleGuests } from './guest-join';
import { createMeeting, rowOf, rtk } from './meetings.testkit';

/** Guest access (§4.3, §6.7, §6.8): the effective setting, name rules, tokens, throttles and the waiting room. */
let owner: Session;

beforeAll(async () => {
  owner = await createOrg('guests');
});

const guestJoin = (meetingId: string, displayName: unknown, ip?: string) =>
  call('POST', `/api/meetings/${meetingId}/guest-join`, { body: { displayName }, ...(ip ? { ip } : {}) });

describe('effective guest access', () => {
  it('disabled on the meeting refuses guests', async () => {
    const meeting = await createMeeting(owner, {
      schedulingType: 'instant',
      title: 'Members only',
      guestAccess: 'disabled',
    });
    const error = await expectError(await guestJoin(meeting.id, 'Mallory'), 403, 'forbidden');
    expect(error.message).toContain('does not accept guests');
  });

  it('link_only always goes through the waiting room; open respects the meeting setting', async () => {
    const linkOnly = await createMeeting(owner, {
      schedulingType: 'instant',
      title: 'Link only',
      guestAccess: 'link_only',
      waitingRoomEnabled: false,
    });
    expect(
      await jsonOf<'POST /api/meetings/{meetingId}/guest-join'>(await guestJoin(linkOnly.id, 'Lina')),
    ).toMatchObject({ waitingRoom: true, role: 'guest' });
    const open = await createMeeting(owner, {
      schedulingType: 'instant',
      title: 'Open',
      guestAccess: 'open',
      waitingRoomEnabled: false,
    });
    expect(await jsonOf<'POST /api/meetings/{meetingId}/guest-join'>(await guestJoin(open.id, 'Otto'))).toMatchObject({
      waitingRoom: false,
    });
  });

  it('the org master switch overrides every meeting', async () => {
    const org = await createOrg('no-guests');
    const meeting = await createMeeting(org, { schedulingType: 'instant', title: 'Open?', guestAccess: 'open' });
    await call('PATCH', '/api/org/settings', { token: org.token, body: { guestAccessGlobal: false } });
    await expectError(await guestJoin(meeting.id, 'Gus'), 403, 'forbidden');
    const lookup = await jsonOf<'GET /api/rooms/{orgSlug}/{slug}'>(
      await call('GET', `/api/rooms/${org.org.slug}/${meeting.slug}`),
    );
    expect(lookup.guestsAllowed).toBe(false);
  });

  it('an unknown meeting is 404 for guests too', async () => {
    await expectError(await guestJoin('01J00000000000000000000000', 'Nobody'), 404, 'not_found');
  });
});

describe('display names', () => {
  let meetingId: string;
  beforeAll(async () => {
    meetingId = (
      await createMeeting(owner, {
        schedulingType: 'instant',
        title: 'Names',
        guestAccess: 'open',
        maxParticipants: 100,
      })
    ).id;
  });

  it('strips tags and collapses spaces before checking the length', async () => {
    const joined = await jsonOf<'POST /api/meetings/{meetingId}/guest-join'>(
      await guestJoin(meetingId, '  <b>Ada</b>   <i>Lovelace</i> '),
    );
    const row = await multiOrgEnv.DB.prepare('SELECT display_name FROM guest_tokens WHERE rtk_participant_id = ?')
      .bind(joined.rtkParticipantId)
      .first<{ display_name: string }>();
    expect(row?.display_name).toBe('Ada Lovelace');
    const participant = await rtk.participants.get(joined.rtkMeetingId, joined.rtkParticipantId);
    expect(participant.name).toBe('Ada Lovelace');
  });

  it.each([
    ['empty after stripping tags', '<script>x</script>'.replace('x', '')],
    ['one character', 'A'],
    ['51 characters', 'x'.repeat(51)],
    ['a control character', 'Bob\u0007by'],
    ['an invisible character', 'Bo\u200bb'],
    ['a stray closing bracket', 'Bob > Alice'],
    ['not a string', 42],
  ])('refuses a name that is %s', async (_label, name) => {
    await expectError(await guestJoin(meetingId, name), 400, 'validation_failed');
  });
});

describe('guest tokens and throttles', () => {
  it('allows 3 guest joins per IP per meeting in 5 minutes, then 429 with Retry-After', async () => {
    const meeting = await createMeeting(owner, { schedulingType: 'instant', title: 'Throttle', guestAccess: 'open' });
    const ip = '203.0.113.77';
    for (let i = 0; i < 3; i++) expect((await guestJoin(meeting.id, `Guest ${i}`, ip)).status).toBe(200);
    const refused = await guestJoin(meeting.id, 'Guest 4', ip);
    await expectError(refused.clone(), 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another meeting, or another network, is not affected.
    const other = await createMeeting(owner, { schedulingType: 'instant', title: 'Other', guestAccess: 'open' });
    expect((await guestJoin(other.id, 'Guest 5', ip)).status).toBe(200);
    expect((await guestJoin(meeting.id, 'Guest 6', '203.0.113.78')).status).toBe(200);
  });

  it('counts guest joins from one IPv6 /64 together', async () => {
    const meeting = await createMeeting(owner, { schedulingType: 'instant', title: 'IPv6', guestAccess: 'open' });
    for (let i = 1; i <= 3; i++)
      expect((await guestJoin(meeting.id, `Guest ${i}`, `2001:db8:9:9:${i}::${i}`)).status).toBe(200);
    await expectError(await guestJoin(meeting.id, 'Guest 4', '2001:db8:9:9:abcd::4'), 429, 'rate_limited');
    expect((await guestJoin(meeting.id, 'Guest 5', '2001:db8:9:a::1')).status).toBe(200);
  });

  it('refreshes with a valid guest token only, and not after revocation', async () => {
    const meeting = await createMeeting(owner, {
      schedulingType: 'instant',
      title: 'Refresh',
      guestAccess: 'link_only',
    });
    const joined = await jsonOf<'POST /api/meetings/{meetingId}/guest-join'>(await guestJoin(meeting.id, 'Rita'));
    const refresh = (guestToken: string) =>
      call('POST', `/api/meetings/${meeting.id}/guest-join/refresh`, { body: { guestToken } });
    const refreshed = await refresh(joined.guestToken);
    expect(refreshed.status).toBe(200);
    expect((await jsonOf<'POST /api/meetings/{meetingId}/guest-join/refresh'>(refreshed)).rtkAuthToken).toBeTruthy();
    await expectError(await refresh('x'.repeat(43)), 401, 'guest_token_invalid');
    expect(Date.parse(joined.expiresAt) - Date.now()).toBeGreaterThan(235 * 60_000);
    expect(Date.parse(joined.expiresAt) - Date.now()).toBeLessThanOrEqual(240 * 60_000);

    // Still waiting 10 minutes later: revoked, removed from RTK, and the token stops working.
    expect(await revokeIdleGuests(multiOrgEnv, Date.now() + 11 * 60_000)).toBeGreaterThanOrEqual(1);
    await expectError(await refresh(joined.guestToken), 401, 'guest_token_invalid');
    const row = await rowOf(meeting.id);
    const left = await rtk.participants.list(row!.rtk_meeting_id!);
    expect(left.items.map((participant) => participant.id)).not.toContain(joined.rtkParticipantId);
  });
});
