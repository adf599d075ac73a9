import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../env';
import { call, createOrg, expectError, json, jsonOf, type Session } from '../../test/helpers';
import { isolatedRtkEnv, rowOf } from './meetings.testkit';
import type { RtkClient } from '@castio/shared/rtk';

/**
 * A RealtimeKit call failing halfway through a transition leaves D1 and RTK agreeing (and the caller a 502 to
 * retry), proven with the local cloud's fault injection on an RTK app of this file's own.
 */
let owner: Session;
let env: Env;
let rtk: RtkClient;
let path: (rest: string) => string;
let setFaults: Awaited<ReturnType<typeof isolatedRtkEnv>>['setFaults'];
let clearFaults: () => Promise<void>;

beforeAll(async () => {
  ({ env, rtk, path, setFaults, clearFaults } = await isolatedRtkEnv('rtk-failures'));
  owner = await createOrg('rtk-failures');
});
afterEach(async () => {
  await clearFaults();
});

const request = (method: string, url: string, body?: unknown) =>
  call(method, url, { token: owner.token, env, ...(body === undefined ? {} : { body }) });

describe('a failing RTK call mid-transition', () => {
  it('instant create: RTK refuses the room → 502, and no meeting exists on either side', async () => {
    const title = `Doomed ${Date.now()}`;
    await setFaults([{ method: 'POST', path: path('/meetings'), status: 500, errorRate: 1, times: 1 }]);
    const failed = await request('POST', '/api/meetings', { schedulingType: 'instant', title });
    const error = await expectError(failed.clone(), 502, 'rtk_unavailable');
    expect(error.message).toContain('try again');
    expect(failed.headers.get('retry-after')).toBeTruthy();
    const list = await jsonOf<'GET /api/meetings'>(await request('GET', '/api/meetings'));
    expect(list.items.filter((meeting: { title: string }) => meeting.title === title)).toEqual([]);
    expect((await rtk.meetings.list({ search: title })).items).toEqual([]);
    // The retry the message asks for works.
    expect((await request('POST', '/api/meetings', { schedulingType: 'instant', title })).status).toBe(201);
  });

  it('end: kick-all works but closing the room fails → 502, still active in D1 and RTK; the retry ends both', async () => {
    const meeting = await jsonOf<'POST /api/meetings'>(
      await request('POST', '/api/meetings', { schedulingType: 'instant', title: 'Half-ended' }),
    );
    const row = await rowOf(meeting.id);
    expect((await request('POST', `/api/meetings/${meeting.id}/join`)).status).toBe(200);
    // Every attempt of the PATCH (the client retries idempotent calls twice) fails.
    await setFaults([
      { method: 'PATCH', path: path(`/meetings/${row!.rtk_meeting_id}`), status: 503, errorRate: 1, times: 3 },
    ]);
    await expectError(await request('POST', `/api/meetings/${meeting.id}/end`), 502, 'rtk_unavailable');
    expect((await rowOf(meeting.id))!.status).toBe('active');
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('ACTIVE');
    await clearFaults();
    expect(await json(await request('POST', `/api/meetings/${meeting.id}/end`))).toMatchObject({ status: 'ended' });
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('INACTIVE');
  });

  it('a transient PATCH failure is retried by the client and the end succeeds', async () => {
    const meeting = await jsonOf<'POST /api/meetings'>(
      await request('POST', '/api/meetings', { schedulingType: 'instant', title: 'Blip' }),
    );
    const row = await rowOf(meeting.id);
    await setFaults([
      { method: 'PATCH', path: path(`/meetings/${row!.rtk_meeting_id}`), status: 503, errorRate: 1, times: 1 },
    ]);
    expect(await json(await request('POST', `/api/meetings/${meeting.id}/end`))).toMatchObject({ status: 'ended' });
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('INACTIVE');
  });

  it('permanent room: opening it fails → 502, the room stays inactive in D1 and RTK; the next join opens it', async () => {
    const room = await jsonOf<'POST /api/meetings'>(
      await request('POST', '/api/meetings', {
        schedulingType: 'permanent',
        title: 'Flaky room',
        vanitySlug: `flaky-${Date.now().toString(36)}`,
      }),
    );
    const row = await rowOf(room.id);
    await setFaults([
      { method: 'PATCH', path: path(`/meetings/${row!.rtk_meeting_id}`), status: 500, errorRate: 1, times: 3 },
    ]);
    await expectError(await request('POST', `/api/meetings/${room.id}/join`), 502, 'rtk_unavailable');
    expect((await rowOf(room.id))!.room_state).toBe('inactive');
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('INACTIVE');
    await clearFaults();
    expect((await request('POST', `/api/meetings/${room.id}/join`)).status).toBe(200);
    expect((await rowOf(room.id))!.room_state).toBe('active');
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('ACTIVE');
  });

  it('join: adding the participant fails → 502 and the seat is given back', async () => {
    const meeting = await jsonOf<'POST /api/meetings'>(
      await request('POST', '/api/meetings', { schedulingType: 'instant', title: 'One seat', maxParticipants: 2 }),
    );
    const row = await rowOf(meeting.id);
    await setFaults([
      {
        method: 'POST',
        path: path(`/meetings/${row!.rtk_meeting_id}/participants`),
        status: 500,
        errorRate: 1,
        times: 2,
      },
    ]);
    await expectError(await request('POST', `/api/meetings/${meeting.id}/join`), 502);
    await expectError(await request('POST', `/api/meetings/${meeting.id}/join`), 502);
    expect((await rtk.participants.list(row!.rtk_meeting_id!)).items).toEqual([]);
    await clearFaults();
    expect((await request('POST', `/api/meetings/${meeting.id}/join`)).status).toBe(200);
  });
});
