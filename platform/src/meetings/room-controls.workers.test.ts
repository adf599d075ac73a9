import { RtkError } from '@castio/shared/rtk';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, json, jsonOf } from '../../test/helpers';
import { hostControlsWorld } from './host-controls.testkit';
import { inAnHour } from './meetings.testkit';

/**
 * Controls over the whole room (mute all, lock) and the rules every host control shares: it needs the meeting
 * running, and only the meeting's host, owners and admins may use it.
 */
let world: Awaited<ReturnType<typeof hostControlsWorld>>;

beforeAll(async () => {
  world = await hostControlsWorld('room-controls');
});

const live = (title: string) => world.createMeeting(world.host, { schedulingType: 'instant', title });

describe('mute all', () => {
  it('needs someone connected, then mutes the room', async () => {
    const meeting = await live('Noisy');
    const url = `/api/meetings/${meeting.id}/mute-all`;
    await expectError(await world.request(world.host, 'POST', url), 409, 'nobody_in_meeting');
    await world.joinAndConnect(world.member, meeting.id);
    expect(await json(await world.request(world.host, 'POST', url, { allowUnmute: false }))).toEqual({
      muted: true,
      allowUnmute: false,
    });
    expect(await json(await world.request(world.host, 'POST', url))).toEqual({ muted: true, allowUnmute: true });
  });
});

describe('lock (§6.8)', () => {
  it('keeps members and guests out, but not the host or administrators; unlock lets them in', async () => {
    const meeting = await live('Board meeting');
    const join = (session: typeof world.member) => world.request(session, 'POST', `/api/meetings/${meeting.id}/join`);
    const guestJoin = () =>
      world.request(null, 'POST', `/api/meetings/${meeting.id}/guest-join`, { displayName: 'Late Larry' });

    const locked = await jsonOf<'POST /api/meetings/{meetingId}/lock'>(
      await world.request(world.host, 'POST', `/api/meetings/${meeting.id}/lock`),
    );
    expect(locked).toMatchObject({ id: meeting.id, isLocked: true });
    await expectError(await join(world.member), 403, 'forbidden');
    await expectError(await join(world.otherHost), 403, 'forbidden');
    await expectError(await guestJoin(), 403, 'forbidden');
    expect((await join(world.host)).status).toBe(200);
    expect((await join(world.admin)).status).toBe(200);
    expect((await join(world.owner)).status).toBe(200);

    const unlocked = await jsonOf<'POST /api/meetings/{meetingId}/unlock'>(
      await world.request(world.host, 'POST', `/api/meetings/${meeting.id}/unlock`),
    );
    expect(unlocked.isLocked).toBe(false);
    expect((await join(world.member)).status).toBe(200);
    expect((await guestJoin()).status).toBe(200);
  });
});

describe('a meeting that is not running', () => {
  it('answers 409 to every control that needs its room', async () => {
    const scheduled = await world.createMeeting(world.host, {
      schedulingType: 'scheduled',
      title: 'Later',
      scheduledStart: inAnHour(),
    });
    const idleRoom = await world.createMeeting(world.host, {
      schedulingType: 'permanent',
      title: 'Idle room',
      vanitySlug: `idle-${Date.now().toString(36)}`,
    });
    for (const meeting of [scheduled, idleRoom]) {
      const base = `/api/meetings/${meeting.id}`;
      const calls: [string, string, unknown?][] = [
        ['GET', `${base}/participants`],
        ['POST', `${base}/participants/p1/preset`, { presetName: 'video_host' }],
        ['POST', `${base}/participants/p1/kick`],
        ['POST', `${base}/mute-all`],
        ['POST', `${base}/lock`],
        ['POST', `${base}/recording/start`],
        ['POST', `${base}/recording/stop`],
        ['GET', `${base}/livestream`],
      ];
      for (const [method, url, body] of calls) {
        const error = await expectError(await world.request(world.host, method, url, body), 409, 'meeting_not_running');
        expect(error.message).toContain('not running');
      }
      // Unlocking never needs the room: a lock left from an earlier run can always be lifted.
      expect((await world.request(world.host, 'POST', `${base}/unlock`)).status).toBe(200);
    }
  });
});

describe('who may use the controls', () => {
  const ROUTES: [string, string, unknown?][] = [
    ['GET', '/participants'],
    ['POST', '/participants/p1/preset', { presetName: 'video_host' }],
    ['POST', '/participants/p1/kick'],
    ['POST', '/mute-all'],
    ['POST', '/lock'],
    ['POST', '/unlock'],
    ['POST', '/recording/start'],
    ['POST', '/recording/stop'],
    ['POST', '/livestream/start'],
    ['POST', '/livestream/stop'],
    ['GET', '/livestream'],
  ];

  it('refuses members everywhere and hosts on someone else’s meeting; owners and admins get through', async () => {
    const meeting = await live('Mine');
    for (const [method, suffix, body] of ROUTES) {
      const url = `/api/meetings/${meeting.id}${suffix}`;
      await expectError(await world.request(world.member, method, url, body), 403, 'forbidden');
      await expectError(await world.request(world.otherHost, method, url, body), 403, 'forbidden');
    }
    for (const session of [world.owner, world.admin]) {
      expect((await world.request(session, 'GET', `/api/meetings/${meeting.id}/participants`)).status).toBe(200);
      expect((await world.request(session, 'GET', `/api/meetings/${meeting.id}/livestream`)).status).toBe(200);
    }
  });

  it('maps RTK’s own refusals to plain answers, not to RtkError leaks', async () => {
    const meeting = await live('Plain errors');
    const unknown = await world.request(world.host, 'POST', `/api/meetings/${meeting.id}/participants/nobody/kick`);
    const error = await expectError(unknown, 404, 'not_found');
    expect(error.message).toBe('The participant was not found.');
    expect(JSON.stringify(error)).not.toContain(RtkError.name);
  });
});
