import { beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, jsonOf, type Session } from '../../test/helpers';
import type { Env } from '../env';
import { type LocalRtk, localRtk } from '../webhooks/local-rtk.testkit';
import { revokeIdleGuests } from './guest-join';
import { countSeats } from './queries';

/**
 * What RTK's webhooks do to rooms, seats and guests (§6.6, §6.8), with the local cloud playing the room: people
 * really join and leave there, and each signed delivery is handed to the Worker as RTK sends it.
 */
let rtk: LocalRtk;
let env: Env;
let owner: Session;

beforeAll(async () => {
  rtk = await localRtk('room-webhooks');
  env = rtk.env;
  owner = await createOrg('room-webhooks');
});

const api = (method: string, path: string, body?: unknown, token = owner.token) =>
  call(method, path, { token, env, ...(body === undefined ? {} : { body }) });

async function deliverAll(deliveries: Awaited<ReturnType<LocalRtk['collect']>>) {
  for (const delivery of deliveries) expect((await rtk.deliver(delivery)).status).toBe(200);
}

describe('a permanent room and its last leave', () => {
  it('goes INACTIVE in RTK when the last person leaves, frees the seat, and opens again on the next join', async () => {
    const room = await jsonOf<'POST /api/meetings'>(
      await api('POST', '/api/meetings', {
        schedulingType: 'permanent',
        title: 'Drop-in',
        vanitySlug: `drop-in-${Date.now().toString(36)}`,
      }),
    );
    const joined = await jsonOf<'POST /api/meetings/{meetingId}/join'>(
      await api('POST', `/api/meetings/${room.id}/join`),
    );
    expect((await rtk.rtk.meetings.get(joined.rtkMeetingId)).status).toBe('ACTIVE');
    expect((await countSeats(env.DB, room.id, null)).people).toBe(1);

    const live = await rtk.join(joined.rtkParticipantId);
    await deliverAll(live.deliveries);
    expect(
      (await jsonOf<'GET /api/meetings/{meetingId}'>(await api('GET', `/api/meetings/${room.id}`))).roomState,
    ).toBe('active');

    await deliverAll(await rtk.leave(live.peerId));
    const after = await jsonOf<'GET /api/meetings/{meetingId}'>(await api('GET', `/api/meetings/${room.id}`));
    expect(after).toMatchObject({ status: 'active', roomState: 'inactive' });
    expect((await rtk.rtk.meetings.get(joined.rtkMeetingId)).status).toBe('INACTIVE');
    expect((await countSeats(env.DB, room.id, null)).people).toBe(0);

    expect((await api('POST', `/api/meetings/${room.id}/join`)).status).toBe(200);
    expect((await rtk.rtk.meetings.get(joined.rtkMeetingId)).status).toBe('ACTIVE');
  });
});

describe('guests in the waiting room', () => {
  it('a guest who got into the room counts as admitted and is not swept as idle; one still waiting is', async () => {
    const meeting = await jsonOf<'POST /api/meetings'>(
      await api('POST', '/api/meetings', { schedulingType: 'instant', title: 'Clinic', guestAccess: 'link_only' }),
    );
    const admitted = await jsonOf<'POST /api/meetings/{meetingId}/guest-join'>(
      await api('POST', `/api/meetings/${meeting.id}/guest-join`, { displayName: 'Ann' }),
    );
    const waiting = await jsonOf<'POST /api/meetings/{meetingId}/guest-join'>(
      await api('POST', `/api/meetings/${meeting.id}/guest-join`, { displayName: 'Wes' }),
    );
    expect(admitted.waitingRoom).toBe(true);
    await deliverAll((await rtk.join(admitted.rtkParticipantId)).deliveries);

    await revokeIdleGuests(env, Date.now() + 11 * 60_000);
    const refresh = (guestToken: string) =>
      api('POST', `/api/meetings/${meeting.id}/guest-join/refresh`, { guestToken }, undefined);
    expect((await refresh(admitted.guestToken)).status).toBe(200);
    expect((await refresh(waiting.guestToken)).status).toBe(401);
    expect(await countSeats(env.DB, meeting.id, null)).toEqual({ people: 1, guests: 1 });
  });
});
