import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createOrg, expectError, json, jsonOf, multiOrgEnv, type Session } from '../../test/helpers';
import { listAllPresets } from '@castio/shared/presets';
import { createMeeting, inAnHour, join, rowOf, rtk } from './meetings.testkit';
import type { OccurrenceRow } from './queries';
import { activateDueMeetings, activateDueOccurrences } from './scheduling-cron';

/**
 * Every scheduling type end to end against the local cloud's RealtimeKit: create → activate (cron or join) →
 * join as each role and as a guest → end, checking both D1 (through the API) and RTK itself.
 */
let owner: Session;
let admin: Session;
let host: Session;
let otherHost: Session;
let member: Session;

/** A fresh org per group keeps each under the 10-meetings-a-minute creation limit. */
async function newTeam(label: string) {
  owner = await createOrg(label);
  [admin, host, otherHost, member] = await Promise.all([
    addMember(owner, 'admin'),
    addMember(owner, 'host'),
    addMember(owner, 'host', 'other-host'),
    addMember(owner, 'member'),
  ]);
}

/** What RTK calls each preset of the team's org, by the org's name for it (other orgs have presets of their own). */
async function rtkNamesOfOrgPresets(): Promise<Map<string, string>> {
  const [listed, all] = await Promise.all([
    jsonOf<'GET /api/presets'>(await call('GET', '/api/presets', { token: owner.token })),
    listAllPresets(rtk),
  ]);
  const rtkNameById = new Map(all.map((preset) => [preset.id, preset.name]));
  return new Map(listed.items.map((item) => [item.name, rtkNameById.get(item.id)!]));
}

async function joinAsEveryone(meetingId: string, expectedRtkMeetingId: string, type = 'video', creator = host) {
  const expected: [Session, string][] = [
    [owner, `${type}_host`],
    [admin, `${type}_host`],
    [host, creator === host ? `${type}_host` : `${type}_participant`],
    [otherHost, `${type}_participant`],
    [member, `${type}_participant`],
  ];
  const joined = [];
  for (const [session, preset] of expected) {
    const response = await join(session, meetingId);
    const body = await jsonOf<'POST /api/meetings/{meetingId}/join'>(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ presetName: preset, rtkMeetingId: expectedRtkMeetingId, role: session.user.role });
    expect(body.rtkAuthToken).toBeTruthy();
    joined.push({
      session,
      preset,
      participant: await rtk.participants.get(expectedRtkMeetingId, body.rtkParticipantId),
    });
  }
  // The first join provisioned the org's presets; each participant holds the org's own.
  const rtkNames = await rtkNamesOfOrgPresets();
  for (const { session, preset, participant } of joined) {
    expect(rtkNames.get(preset)).toBeDefined();
    expect(participant).toMatchObject({
      preset_name: rtkNames.get(preset),
      custom_participant_id: `user:${session.user.id}`,
    });
  }
  const guest = await call('POST', `/api/meetings/${meetingId}/guest-join`, { body: { displayName: 'Visiting Vera' } });
  const guestBody = await jsonOf<'POST /api/meetings/{meetingId}/guest-join'>(guest);
  expect(guest.status, JSON.stringify(guestBody)).toBe(200);
  const guestPreset = type === 'webinar' || type === 'livestream' ? `${type}_viewer` : `${type}_guest`;
  expect(guestBody).toMatchObject({ presetName: guestPreset, role: 'guest', waitingRoom: true });
  expect(guestBody.guestToken.length).toBeGreaterThan(30);
  const stored = await multiOrgEnv.DB.prepare('SELECT token_hash FROM guest_tokens WHERE rtk_participant_id = ?')
    .bind(guestBody.rtkParticipantId)
    .first<{ token_hash: string }>();
  expect(stored?.token_hash).not.toContain(guestBody.guestToken);
}

describe('instant meetings', () => {
  beforeAll(() => newTeam('instant'));

  it('create → RTK room ACTIVE → everyone joins with their preset → end closes the room', async () => {
    const meeting = await createMeeting(host, { schedulingType: 'instant', title: 'Quick sync' });
    expect(meeting).toMatchObject({ status: 'active', schedulingType: 'instant', createdBy: host.user.id });
    expect(meeting.joinPath).toBe(`/${owner.org.slug}/m/${meeting.slug}`);
    expect(meeting.slug).toMatch(/^[a-z0-9]{10}$/);
    const row = await rowOf(meeting.id);
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('ACTIVE');

    await joinAsEveryone(meeting.id, row!.rtk_meeting_id!);

    await expectError(
      await call('POST', `/api/meetings/${meeting.id}/end`, { token: otherHost.token }),
      403,
      'forbidden',
    );
    const ended = await call('POST', `/api/meetings/${meeting.id}/end`, { token: host.token });
    expect(ended.status).toBe(200);
    expect(await json(ended)).toMatchObject({ status: 'ended' });
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('INACTIVE');
    await expectError(await join(member, meeting.id), 409, 'meeting_ended');
    const again = await expectError(await call('POST', `/api/meetings/${meeting.id}/end`, { token: host.token }), 409);
    expect(again.code).toBe('invalid_transition');
    expect(again.details).toMatchObject({ status: 'ended', allowed: [] });
  });

  it('refreshes a participant token', async () => {
    const meeting = await createMeeting(owner, { schedulingType: 'instant', title: 'Token refresh' });
    await expectError(await call('POST', `/api/meetings/${meeting.id}/join/refresh`, { token: member.token }), 404);
    const joined = await jsonOf<'POST /api/meetings/{meetingId}/join'>(await join(member, meeting.id));
    const refreshed = await call('POST', `/api/meetings/${meeting.id}/join/refresh`, { token: member.token });
    expect(refreshed.status).toBe(200);
    const body = await jsonOf<'POST /api/meetings/{meetingId}/join/refresh'>(refreshed);
    expect(body.rtkAuthToken).toBeTruthy();
    expect(body.rtkAuthToken).not.toBe(joined.rtkAuthToken);
  });
});

describe('scheduled meetings', () => {
  beforeAll(() => newTeam('scheduled'));

  it('no RTK room until the cron activates it; members wait, hosts may start early', async () => {
    const start = inAnHour();
    const meeting = await createMeeting(host, {
      schedulingType: 'scheduled',
      title: 'Planning',
      scheduledStart: start,
    });
    expect(meeting).toMatchObject({ status: 'scheduled', scheduledStart: start });
    expect((await rowOf(meeting.id))!.rtk_meeting_id).toBeNull();
    const waiting = await expectError(await join(member, meeting.id), 409, 'meeting_not_started');
    expect(waiting.details).toMatchObject({ startsAt: start });

    // The cron a few minutes before the start creates the RTK room; a second, overlapping run changes nothing.
    const cronTime = Date.parse(start) - 3 * 60_000;
    await Promise.all([activateDueMeetings(multiOrgEnv, cronTime), activateDueMeetings(multiOrgEnv, cronTime)]);
    const row = await rowOf(meeting.id);
    expect(row).toMatchObject({ status: 'active' });
    const rtkMeetings = await rtk.meetings.list({ search: row!.rtk_meeting_id! });
    expect(rtkMeetings.items.map((item) => item.id)).toEqual([row!.rtk_meeting_id]);
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('ACTIVE');
    await joinAsEveryone(meeting.id, row!.rtk_meeting_id!);
    expect((await call('POST', `/api/meetings/${meeting.id}/end`, { token: admin.token })).status).toBe(200);
  });

  it('lets the host start early; refuses a start in the past and an end before the start', async () => {
    const meeting = await createMeeting(host, {
      schedulingType: 'scheduled',
      title: 'Early bird',
      scheduledStart: inAnHour(),
    });
    const started = await call('POST', `/api/meetings/${meeting.id}/start`, { token: host.token });
    expect(await json(started)).toMatchObject({ status: 'active' });
    await expectError(
      await call('POST', `/api/meetings/${meeting.id}/start`, { token: host.token }),
      409,
      'invalid_transition',
    );
    const past = await call('POST', '/api/meetings', {
      token: host.token,
      body: { schedulingType: 'scheduled', title: 'Yesterday', scheduledStart: '2020-01-01T10:00:00Z' },
    });
    await expectError(past, 422, 'start_in_past');
    const backwards = await call('POST', '/api/meetings', {
      token: host.token,
      body: {
        schedulingType: 'scheduled',
        title: 'Backwards',
        scheduledStart: inAnHour(),
        scheduledEnd: new Date(Date.now() + 30 * 60_000).toISOString(),
      },
    });
    await expectError(backwards, 422, 'end_before_start');
  });

  it('cancels: no room was ever created, joins are refused', async () => {
    const meeting = await createMeeting(host, {
      schedulingType: 'scheduled',
      title: 'Off',
      scheduledStart: inAnHour(),
    });
    const cancelled = await call('DELETE', `/api/meetings/${meeting.id}`, { token: host.token });
    expect(await json(cancelled)).toMatchObject({ status: 'cancelled' });
    await expectError(await join(member, meeting.id), 409, 'meeting_cancelled');
    await expectError(
      await call('PATCH', `/api/meetings/${meeting.id}`, { token: host.token, body: { title: 'On' } }),
      409,
    );
  });
});

describe('recurring meetings', () => {
  beforeAll(() => newTeam('recurring'));

  it('materialises occurrences, each gets its own RTK room at activation; exceptions stick', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const meeting = await createMeeting(host, {
      schedulingType: 'recurring',
      title: 'Weekly standup',
      timezone: 'Europe/Berlin',
      recurrence: { rrule: 'FREQ=WEEKLY;COUNT=10', dtstart: `${tomorrow}T09:30`, durationMinutes: 30 },
    });
    expect(meeting.recurrence).toMatchObject({ timezone: 'Europe/Berlin', durationMinutes: 30, exceptions: [] });
    const { items } = await jsonOf<'GET /api/meetings/{meetingId}/occurrences'>(
      await call('GET', `/api/meetings/${meeting.id}/occurrences`, { token: member.token }),
    );
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.length).toBeLessThanOrEqual(5);
    const [first, second, third] = [items[0]!, items[1]!, items[2]!];

    // Cancel the second: it becomes an exception of the series and leaves the calendar file.
    const cancelled = await call('DELETE', `/api/meetings/${meeting.id}/occurrences/${second.id}`, {
      token: host.token,
    });
    expect(await json(cancelled)).toMatchObject({ status: 'cancelled' });
    const series = await jsonOf<'GET /api/meetings/{meetingId}'>(
      await call('GET', `/api/meetings/${meeting.id}`, { token: host.token }),
    );
    expect(series.recurrence?.exceptions).toHaveLength(1);
    const ics = await call('GET', `/api/meetings/${meeting.id}/calendar.ics`, { token: member.token });
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const text = await ics.text();
    expect(text).toContain('RRULE:FREQ=WEEKLY;COUNT=10');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:');
    expect(text).toContain(
      `EXDATE;TZID=Europe/Berlin:${series.recurrence!.exceptions[0]!.replace(/[-:]/g, '').slice(0, 15)}`,
    );

    // Rename the third only.
    const renamed = await call('PATCH', `/api/meetings/${meeting.id}/occurrences/${third.id}`, {
      token: host.token,
      body: { title: 'Standup (retro edition)' },
    });
    expect(await json(renamed)).toMatchObject({ title: 'Standup (retro edition)', start: third.start });

    await expectError(await join(member, meeting.id), 409, 'meeting_not_started');
    await activateDueOccurrences(multiOrgEnv, Date.parse(first.start) - 60_000);
    const firstRow = await multiOrgEnv.DB.prepare('SELECT * FROM meeting_occurrences WHERE id = ?')
      .bind(first.id)
      .first<OccurrenceRow>();
    expect(firstRow).toMatchObject({ status: 'active' });
    const firstRoom = firstRow!.rtk_meeting_id!;
    expect((await rtk.meetings.get(firstRoom)).status).toBe('ACTIVE');
    await joinAsEveryone(meeting.id, firstRoom);
    const ended = await jsonOf<'POST /api/meetings/{meetingId}/end'>(
      await call('POST', `/api/meetings/${meeting.id}/end`, { token: host.token }),
    );
    expect(ended.status).toBe('scheduled');
    expect((await rtk.meetings.get(firstRoom)).status).toBe('INACTIVE');

    // The host starts the next coming occurrence early: a different RTK room, with its own title.
    const early = await jsonOf<'POST /api/meetings/{meetingId}/join'>(await join(host, meeting.id));
    expect(early.occurrenceId).toBe(third.id);
    expect(early.rtkMeetingId).not.toBe(firstRoom);
    expect(early.meetingConfig.title).toBe('Standup (retro edition)');
    expect((await rtk.meetings.get(early.rtkMeetingId)).title).toBe('Standup (retro edition)');
  });

  it('refuses rules that never produce a meeting or recur more than daily', async () => {
    const base = { schedulingType: 'recurring', title: 'Bad', timezone: 'Europe/Berlin' };
    const hourly = await call('POST', '/api/meetings', {
      token: host.token,
      body: { ...base, recurrence: { rrule: 'FREQ=HOURLY', dtstart: '2030-01-01T09:00' } },
    });
    expect([400, 422]).toContain(hourly.status);
    const badZone = await call('POST', '/api/meetings', {
      token: host.token,
      body: { ...base, timezone: 'Mars/Olympus', recurrence: { rrule: 'FREQ=DAILY', dtstart: '2030-01-01T09:00' } },
    });
    await expectError(badZone, 400, 'validation_failed');
  });
});

describe('permanent rooms', () => {
  beforeAll(() => newTeam('permanent'));

  it('INACTIVE until someone joins, reached by vanity slug, closes on end and opens again', async () => {
    const slug = `standup-${Date.now().toString(36)}`;
    const room = await createMeeting(owner, { schedulingType: 'permanent', title: 'Team room', vanitySlug: slug });
    expect(room).toMatchObject({ status: 'active', roomState: 'inactive', vanitySlug: slug });
    expect(room.joinPath).toBe(`/${owner.org.slug}/m/${slug}`);
    const row = await rowOf(room.id);
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('INACTIVE');

    const taken = await call('POST', '/api/meetings', {
      token: host.token,
      body: { schedulingType: 'permanent', title: 'Copycat', vanitySlug: slug },
    });
    await expectError(taken, 409, 'slug_taken');
    const reserved = await call('POST', '/api/meetings', {
      token: host.token,
      body: { schedulingType: 'permanent', title: 'Sneaky', vanitySlug: 'api' },
    });
    await expectError(reserved, 400, 'validation_failed');

    const lookup = await jsonOf<'GET /api/rooms/{orgSlug}/{slug}'>(
      await call('GET', `/api/rooms/${owner.org.slug}/${slug}`),
    );
    expect(lookup).toMatchObject({ meetingId: room.id, title: 'Team room', guestsAllowed: true });
    await expectError(await call('GET', `/api/rooms/${owner.org.slug}/no-such-room`), 404);

    await joinAsEveryone(room.id, row!.rtk_meeting_id!, 'video', owner);
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('ACTIVE');
    expect((await rowOf(room.id))!.room_state).toBe('active');

    expect((await call('POST', `/api/meetings/${room.id}/lock`, { token: owner.token })).status).toBe(200);
    const closed = await jsonOf<'POST /api/meetings/{meetingId}/end'>(
      await call('POST', `/api/meetings/${room.id}/end`, { token: owner.token }),
    );
    // The lock belonged to that session: the room opens unlocked next time.
    expect(closed).toMatchObject({ status: 'active', roomState: 'inactive', isLocked: false });
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('INACTIVE');
    expect((await join(member, room.id)).status).toBe(200);
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('ACTIVE');

    const deactivated = await jsonOf<'DELETE /api/meetings/{meetingId}'>(
      await call('DELETE', `/api/meetings/${room.id}`, { token: admin.token }),
    );
    expect(deactivated.status).toBe('cancelled');
    await expectError(await call('GET', `/api/rooms/${owner.org.slug}/${slug}`), 404);
  });
});

describe('webinars', () => {
  beforeAll(() => newTeam('webinars'));

  it('gives guests the viewer preset', async () => {
    const meeting = await createMeeting(host, { schedulingType: 'instant', title: 'Launch', meetingType: 'webinar' });
    const row = await rowOf(meeting.id);
    await joinAsEveryone(meeting.id, row!.rtk_meeting_id!, 'webinar');
  });
});

describe('invitations', () => {
  beforeAll(() => newTeam('invites'));

  it('open to every member until someone is invited; then members need an invitation; RSVP', async () => {
    const meeting = await createMeeting(host, { schedulingType: 'instant', title: 'Board' });
    expect((await join(member, meeting.id)).status).toBe(200);
    const other = await createMeeting(host, { schedulingType: 'instant', title: 'Private' });
    const invited = await call('POST', `/api/meetings/${other.id}/invites`, {
      token: host.token,
      body: { userIds: [admin.user.id], emails: ['Outside@Example.com'] },
    });
    expect((await jsonOf<'POST /api/meetings/{meetingId}/invites'>(invited)).items).toHaveLength(2);
    await expectError(await join(member, other.id), 403, 'forbidden');
    expect((await join(admin, other.id)).status).toBe(200);
    await call('POST', `/api/meetings/${other.id}/invites`, { token: host.token, body: { userIds: [member.user.id] } });
    expect((await join(member, other.id)).status).toBe(200);
    const rsvp = await call('PUT', `/api/meetings/${other.id}/invites/me`, {
      token: member.token,
      body: { rsvpStatus: 'accepted' },
    });
    expect(await json(rsvp)).toMatchObject({ userId: member.user.id, rsvpStatus: 'accepted' });
    await expectError(
      await call('PUT', `/api/meetings/${meeting.id}/invites/me`, {
        token: member.token,
        body: { rsvpStatus: 'declined' },
      }),
      404,
    );
    const unknown = await call('POST', `/api/meetings/${other.id}/invites`, {
      token: host.token,
      body: { userIds: ['01J00000000000000000000000'] },
    });
    await expectError(unknown, 422, 'unknown_users');
  });
});
