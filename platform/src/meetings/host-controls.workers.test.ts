import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, json, jsonOf, multiOrgEnv } from '../../test/helpers';
import { hostControlsWorld, participantEvents, roomOf } from './host-controls.testkit';
import { countSeats } from './queries';

/**
 * The host controls over people (list, promote/demote, kick), end to end against the local cloud's RealtimeKit: what the API
 * answers, what RTK then holds, and what D1 recorded (audit log, seats, guest tokens, the lock).
 */
let world: Awaited<ReturnType<typeof hostControlsWorld>>;

beforeAll(async () => {
  world = await hostControlsWorld('host-controls');
});

const live = (title: string) => world.createMeeting(world.host, { schedulingType: 'instant', title });
const participantsOf = async (meetingId: string) =>
  jsonOf<'GET /api/meetings/{meetingId}/participants'>(
    await world.request(world.host, 'GET', `/api/meetings/${meetingId}/participants`),
  );

describe('the participant list', () => {
  it('shows who is connected, with our user or guest id, preset and role', async () => {
    const meeting = await live('Who is here');
    const host = await world.joinAndConnect(world.host, meeting.id);
    const member = await world.joinAndConnect(world.member, meeting.id);
    const guest = await world.guestJoinAndConnect(meeting.id, 'Visiting Vera');
    // Joined through the API but never connected: not in the room.
    expect((await world.request(world.admin, 'POST', `/api/meetings/${meeting.id}/join`)).status).toBe(200);

    const { items } = await participantsOf(meeting.id);
    expect(items).toHaveLength(3);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          participantId: host.rtkParticipantId,
          userId: world.host.user.id,
          guestTokenId: null,
          presetName: 'video_host',
          role: 'host',
          displayName: world.host.user.name,
        }),
        expect.objectContaining({
          participantId: member.rtkParticipantId,
          userId: world.member.user.id,
          presetName: 'video_participant',
          role: 'member',
        }),
        expect.objectContaining({
          participantId: guest.rtkParticipantId,
          userId: null,
          guestTokenId: guest.guestTokenId,
          presetName: 'video_guest',
          role: 'guest',
          displayName: 'Visiting Vera',
        }),
      ]),
    );
    expect(items.every((item: { joinedAt: string | null }) => item.joinedAt)).toBe(true);
  });

  it('is empty while nobody is connected, and follows the running occurrence of a series', async () => {
    const meeting = await live('Empty room');
    expect(await participantsOf(meeting.id)).toEqual({ items: [] });

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const series = await world.createMeeting(world.host, {
      schedulingType: 'recurring',
      title: 'Weekly',
      timezone: 'UTC',
      recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3', dtstart: `${tomorrow}T09:00`, durationMinutes: 30 },
    });
    // The host starts the next occurrence early; its own RTK room is the one controlled.
    const host = await world.joinAndConnect(world.host, series.id);
    expect(host.occurrenceId).toBeTruthy();
    const { items } = await participantsOf(series.id);
    expect(items.map((item: { participantId: string }) => item.participantId)).toEqual([host.rtkParticipantId]);
  });
});

describe('promote and demote (§5.5)', () => {
  it('changes the preset in RTK and audits it as promoted or demoted', async () => {
    const meeting = await live('Promotions');
    const room = await roomOf(meeting.id);
    const member = await world.joinAndConnect(world.member, meeting.id);
    const url = `/api/meetings/${meeting.id}/participants/${member.rtkParticipantId}/preset`;

    const promoted = await world.request(world.host, 'POST', url, { presetName: 'video_host' });
    expect(await json(promoted)).toEqual({
      participantId: member.rtkParticipantId,
      userId: world.member.user.id,
      guestTokenId: null,
      presetFrom: 'video_participant',
      presetTo: 'video_host',
      change: 'promoted',
    });
    expect((await world.rtk.participants.get(room, member.rtkParticipantId)).preset_name).toBe('video_host');
    expect((await participantsOf(meeting.id)).items[0]).toMatchObject({ presetName: 'video_host' });

    const demoted = await json(await world.request(world.admin, 'POST', url, { presetName: 'video_guest' }));
    expect(demoted).toMatchObject({ presetFrom: 'video_host', presetTo: 'video_guest', change: 'demoted' });
    expect((await world.rtk.participants.get(room, member.rtkParticipantId)).preset_name).toBe('video_guest');

    const same = await jsonOf<'POST /api/meetings/{meetingId}/participants/{participantId}/preset'>(
      await world.request(world.host, 'POST', url, { presetName: 'video_guest' }),
    );
    expect(same.change).toBe('unchanged');

    const audit = [
      ...(await participantEvents(meeting.id, 'promoted')),
      ...(await participantEvents(meeting.id, 'demoted')),
    ];
    expect(audit).toEqual([
      expect.objectContaining({
        event_type: 'promoted',
        user_id: world.member.user.id,
        rtk_participant_id: member.rtkParticipantId,
        preset_from: 'video_participant',
        preset_to: 'video_host',
        performed_by: world.host.user.id,
      }),
      expect.objectContaining({
        event_type: 'demoted',
        preset_from: 'video_host',
        preset_to: 'video_guest',
        performed_by: world.admin.user.id,
      }),
    ]);
  });

  it('accepts only the built-in presets of the meeting’s type, and only participants of its room', async () => {
    const meeting = await live('Strict presets');
    const member = await world.joinAndConnect(world.member, meeting.id);
    const url = `/api/meetings/${meeting.id}/participants/${member.rtkParticipantId}/preset`;
    for (const presetName of ['audio_host', 'webinar_viewer', 'superuser']) {
      const error = await expectError<{ allowed: string[] }>(
        await world.request(world.host, 'POST', url, { presetName }),
        422,
        'invalid_preset',
      );
      expect(error.details?.allowed).toEqual(['video_host', 'video_participant', 'video_guest']);
    }
    const elsewhere = await live('Another room');
    const stranger = await world.joinAndConnect(world.admin, elsewhere.id);
    await expectError(
      await world.request(
        world.host,
        'POST',
        `/api/meetings/${meeting.id}/participants/${stranger.rtkParticipantId}/preset`,
        {
          presetName: 'video_host',
        },
      ),
      404,
    );
    expect(await participantEvents(meeting.id, 'promoted')).toEqual([]);
  });
});

describe('kick', () => {
  it('removes the person from RTK, frees their seat and revokes a guest’s token', async () => {
    const meeting = await live('Kicks');
    const room = await roomOf(meeting.id);
    const member = await world.joinAndConnect(world.member, meeting.id);
    const guest = await world.guestJoinAndConnect(meeting.id, 'Gatecrasher');
    expect(await countSeats(multiOrgEnv.DB, meeting.id, null)).toEqual({ people: 2, guests: 1 });

    const kicked = await world.request(
      world.host,
      'POST',
      `/api/meetings/${meeting.id}/participants/${guest.rtkParticipantId}/kick`,
    );
    expect(await json(kicked)).toEqual({
      participantId: guest.rtkParticipantId,
      userId: null,
      guestTokenId: guest.guestTokenId,
      guestTokenRevoked: true,
    });
    await expect(world.rtk.participants.get(room, guest.rtkParticipantId)).rejects.toMatchObject({ code: 'not_found' });
    const peers = await world.rtk.sessions.participants(guest.rtkSessionId);
    expect(peers.items.find((peer) => peer.id === guest.peerId)?.left_at).toBeTruthy();
    expect((await participantsOf(meeting.id)).items).toHaveLength(1);
    expect(await countSeats(multiOrgEnv.DB, meeting.id, null)).toEqual({ people: 1, guests: 0 });
    const token = await multiOrgEnv.DB.prepare('SELECT status, revoked_at FROM guest_tokens WHERE id = ?')
      .bind(guest.guestTokenId)
      .first<{ status: string; revoked_at: string | null }>();
    expect(token).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });
    await expectError(
      await world.request(null, 'POST', `/api/meetings/${meeting.id}/guest-join/refresh`, {
        guestToken: guest.guestToken,
      }),
      401,
      'guest_token_invalid',
    );

    const memberKick = await world.request(
      world.admin,
      'POST',
      `/api/meetings/${meeting.id}/participants/${member.rtkParticipantId}/kick`,
    );
    expect(await json(memberKick)).toMatchObject({ userId: world.member.user.id, guestTokenRevoked: false });
    expect(await countSeats(multiOrgEnv.DB, meeting.id, null)).toEqual({ people: 0, guests: 0 });
    expect(await participantEvents(meeting.id, 'kicked')).toEqual([
      expect.objectContaining({ guest_token_id: guest.guestTokenId, performed_by: world.host.user.id }),
      expect.objectContaining({ user_id: world.member.user.id, performed_by: world.admin.user.id }),
    ]);
    // Gone from RTK: kicking again finds nobody.
    await expectError(
      await world.request(
        world.host,
        'POST',
        `/api/meetings/${meeting.id}/participants/${member.rtkParticipantId}/kick`,
      ),
      404,
    );
  });
});
