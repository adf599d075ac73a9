import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, multiOrgEnv } from '../../test/helpers';
import { hostControlsWorld, participantEvents, roomOf } from './host-controls.testkit';
import { countSeats } from './queries';

/**
 * RealtimeKit failing under a host control: the caller gets a 502 to retry, and nothing was written on our side
 * (no audit row, seat still held, guest token still valid, no recording row). Faults hit only this file's RTK app
 * and expire by themselves (`times`), so no cleanup can race with other files.
 */
let world: Awaited<ReturnType<typeof hostControlsWorld>>;

beforeAll(async () => {
  world = await hostControlsWorld('host-control-failures');
});

/** Every attempt the RTK client makes (retried calls: 3) fails with a 500. */
const failing = (method: string, rest: string, times = 3) => ({
  method,
  path: world.path(rest),
  status: 500,
  errorRate: 1,
  times,
});

async function liveMeeting(title: string) {
  const meeting = await world.createMeeting(world.host, { schedulingType: 'instant', title });
  return { meeting, room: await roomOf(meeting.id) };
}

describe('RTK failing under a host control', () => {
  it('preset change: 502, RTK unchanged, no audit row', async () => {
    const { meeting, room } = await liveMeeting('Flaky promotion');
    const member = await world.joinAndConnect(world.member, meeting.id);
    await world.setFaults([failing('PATCH', `/meetings/${room}/participants/${member.rtkParticipantId}`)]);
    const response = await world.request(
      world.host,
      'POST',
      `/api/meetings/${meeting.id}/participants/${member.rtkParticipantId}/preset`,
      { presetName: 'video_host' },
    );
    const error = await expectError(response.clone(), 502, 'rtk_unavailable');
    expect(error.message).toContain('try again');
    expect(response.headers.get('retry-after')).toBeTruthy();
    expect((await world.rtk.participants.get(room, member.rtkParticipantId)).preset_name).toBe('video_participant');
    expect(await participantEvents(meeting.id, 'promoted')).toEqual([]);
  });

  it('kick: 502, the guest keeps seat and token, no audit row', async () => {
    const { meeting, room } = await liveMeeting('Flaky kick');
    const guest = await world.guestJoinAndConnect(meeting.id, 'Sticky Sam');
    await world.setFaults([failing('POST', `/meetings/${room}/active-session/kick`)]);
    const url = `/api/meetings/${meeting.id}/participants/${guest.rtkParticipantId}/kick`;
    await expectError(await world.request(world.host, 'POST', url), 502, 'rtk_unavailable');
    expect(await participantEvents(meeting.id, 'kicked')).toEqual([]);
    expect(await countSeats(multiOrgEnv.DB, meeting.id, null)).toEqual({ people: 1, guests: 1 });
    const token = await multiOrgEnv.DB.prepare('SELECT status FROM guest_tokens WHERE id = ?')
      .bind(guest.guestTokenId)
      .first<{ status: string }>();
    expect(token?.status).not.toBe('revoked');
    expect((await world.rtk.participants.get(room, guest.rtkParticipantId)).id).toBe(guest.rtkParticipantId);
  });

  it('recording start: 502 and no recording row; mute-all: 502', async () => {
    const { meeting, room } = await liveMeeting('Flaky recording');
    await world.joinAndConnect(world.host, meeting.id);
    // Starting is not idempotent, so the client makes one attempt.
    await world.setFaults([
      failing('POST', '/recordings', 1),
      failing('POST', `/meetings/${room}/active-session/mute-all`),
    ]);
    const base = `/api/meetings/${meeting.id}`;
    await expectError(await world.request(world.host, 'POST', `${base}/recording/start`), 502, 'rtk_unavailable');
    const rows = await multiOrgEnv.DB.prepare('SELECT COUNT(*) AS n FROM recordings WHERE meeting_id = ?')
      .bind(meeting.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
    expect(await world.rtk.recordings.active(room)).toBeNull();
    await expectError(await world.request(world.host, 'POST', `${base}/mute-all`), 502, 'rtk_unavailable');
    // The faults are spent: both work now.
    expect((await world.request(world.host, 'POST', `${base}/recording/start`)).status).toBe(200);
    expect((await world.request(world.host, 'POST', `${base}/mute-all`)).status).toBe(200);
  });
});
