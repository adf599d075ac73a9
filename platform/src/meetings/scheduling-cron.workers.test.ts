import { beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, jsonOf, multiOrgEnv, type Session } from '../../test/helpers';
import { createMeeting, rowOf, rtk } from './meetings.testkit';
import { activateDueOccurrences, endOverdueMeetings, materialiseHorizon } from './scheduling-cron';

/** The 5-minute scheduling jobs (§6.4) against D1 and the local cloud, at chosen clock times. */
let owner: Session;

beforeAll(async () => {
  owner = await createOrg('cron');
});

const occurrencesOf = async (meetingId: string) =>
  (
    await multiOrgEnv.DB.prepare(
      'SELECT occurrence_date, status FROM meeting_occurrences WHERE meeting_id = ? ORDER BY occurrence_date',
    )
      .bind(meetingId)
      .all<{ occurrence_date: string; status: string }>()
  ).results;

describe('rolling materialisation', () => {
  it('keeps four weeks ahead as time passes, across the DST change, and adds nothing twice', async () => {
    // Mondays 09:00 Berlin from February 2027: CET (UTC+1) until 28 March, CEST (UTC+2) after.
    const series = await createMeeting(owner, {
      schedulingType: 'recurring',
      title: 'Monday planning',
      timezone: 'Europe/Berlin',
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO', dtstart: '2027-02-01T09:00', durationMinutes: 45 },
    });
    expect(await occurrencesOf(series.id)).toEqual([]); // the first one is more than four weeks away

    const march15 = Date.parse('2027-03-15T12:00:00Z');
    await Promise.all([materialiseHorizon(multiOrgEnv, march15), materialiseHorizon(multiOrgEnv, march15)]);
    const dates = (await occurrencesOf(series.id)).map((row) => row.occurrence_date);
    expect(dates).toEqual([
      '2027-03-22T08:00:00.000Z',
      '2027-03-29T07:00:00.000Z',
      '2027-04-05T07:00:00.000Z',
      '2027-04-12T07:00:00.000Z',
    ]);
    // A week later the horizon moves on by one occurrence.
    await materialiseHorizon(multiOrgEnv, march15 + 7 * 86_400_000);
    expect((await occurrencesOf(series.id)).map((row) => row.occurrence_date).at(-1)).toBe('2027-04-19T07:00:00.000Z');
  });

  it('closes occurrences whose time passed with nobody joining, leaving running ones alone', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const series = await createMeeting(owner, {
      schedulingType: 'recurring',
      title: 'Daily',
      timezone: 'UTC',
      recurrence: { rrule: 'FREQ=DAILY;COUNT=3', dtstart: `${tomorrow}T10:00`, durationMinutes: 30 },
    });
    const [first, second] = await occurrencesOf(series.id);
    await activateDueOccurrences(multiOrgEnv, Date.parse(second!.occurrence_date));
    await endOverdueMeetings(multiOrgEnv, Date.parse(second!.occurrence_date) + 60_000);
    expect((await occurrencesOf(series.id)).map((row) => row.status)).toEqual(['ended', 'active', 'scheduled']);
    expect(first!.status).toBe('scheduled');
  });
});

describe('maximum duration', () => {
  it('ends a meeting running longer than the org allows, in D1 and in RTK', async () => {
    const org = await createOrg('duration');
    await call('PATCH', '/api/org/settings', { token: org.token, body: { maxMeetingDurationMinutes: 30 } });
    const meeting = await createMeeting(org, { schedulingType: 'instant', title: 'Marathon' });
    const row = await rowOf(meeting.id);
    await endOverdueMeetings(multiOrgEnv, Date.now() + 20 * 60_000);
    expect((await rowOf(meeting.id))!.status).toBe('active');
    await endOverdueMeetings(multiOrgEnv, Date.now() + 31 * 60_000);
    const ended = await jsonOf<'GET /api/meetings/{meetingId}'>(
      await call('GET', `/api/meetings/${meeting.id}`, { token: org.token }),
    );
    expect(ended.status).toBe('ended');
    expect((await rtk.meetings.get(row!.rtk_meeting_id!)).status).toBe('INACTIVE');
  });
});
