import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@castio/shared/ids';
import { addMember, call, createOrg, expectError, jsonOf, multiOrgEnv, type Session } from '../../test/helpers';
import { createMeeting, inAnHour } from './meetings.testkit';

/**
 * Requests whose lists reach D1's limit of 100 bound parameters per statement: invitations at every size the API
 * accepts (InviteCreateSchema: up to 200 member ids and 200 e-mails), and a full page of recurring meetings.
 */
const MAX_PER_LIST = 200;

let owner: Session;
let host: Session;
let memberIds: string[];

/** Members inserted directly: registering 200 people through the API would only test argon2 for minutes. */
async function insertMembers(count: number) {
  const ids = Array.from({ length: count }, () => newId());
  await multiOrgEnv.DB.batch(
    ids.map((id) =>
      multiOrgEnv.DB.prepare("INSERT INTO users (id, org_id, email, name, role) VALUES (?, ?, ?, ?, 'member')").bind(
        id,
        owner.org.id,
        `${id.toLowerCase()}@${owner.org.slug}.example`,
        `Member ${id}`,
      ),
    ),
  );
  return ids;
}

const scheduledMeeting = () =>
  createMeeting(host, { schedulingType: 'scheduled', title: 'All hands', scheduledStart: inAnHour() });

const invite = (meetingId: string, body: { userIds?: string[]; emails?: string[] }) =>
  call('POST', `/api/meetings/${meetingId}/invites`, { token: host.token, body });

beforeAll(async () => {
  owner = await createOrg('many-invites');
  host = await addMember(owner, 'host');
  memberIds = await insertMembers(MAX_PER_LIST);
});

describe('inviting many people at once', () => {
  for (const size of [99, 100, 101, MAX_PER_LIST]) {
    it(`invites ${size} members in one request`, async () => {
      const meeting = await scheduledMeeting();
      const response = await invite(meeting.id, { userIds: memberIds.slice(0, size) });
      const body = await jsonOf<'POST /api/meetings/{meetingId}/invites'>(response);
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(new Set(body.items.map((item) => item.userId))).toEqual(new Set(memberIds.slice(0, size)));
    });
  }

  it('invites the most the API accepts: 200 members and 200 outsiders', async () => {
    const meeting = await scheduledMeeting();
    const emails = Array.from({ length: MAX_PER_LIST }, (_, index) => `guest-${index}@outside.example`);
    const response = await invite(meeting.id, { userIds: memberIds, emails });
    expect(response.status).toBe(200);
    expect((await jsonOf<'POST /api/meetings/{meetingId}/invites'>(response)).items).toHaveLength(2 * MAX_PER_LIST);
  });

  it('names every id that is not a member, however many (422), and invites nobody', async () => {
    const meeting = await scheduledMeeting();
    const strangers = Array.from({ length: 150 }, () => newId());
    const error = await expectError<{ userIds: string[] }>(
      await invite(meeting.id, { userIds: [...memberIds.slice(0, 50), ...strangers] }),
      422,
      'unknown_users',
    );
    expect(new Set(error.details?.userIds)).toEqual(new Set(strangers));
    expect(
      (
        await jsonOf<'GET /api/meetings/{meetingId}/invites'>(
          await call('GET', `/api/meetings/${meeting.id}/invites`, { token: host.token }),
        )
      ).items,
    ).toEqual([]);
  });

  it('refuses more than 200 members or e-mails before anything is stored (400, as the schema says)', async () => {
    const meeting = await scheduledMeeting();
    for (const size of [201, 250]) {
      const userIds = [...memberIds, ...Array.from({ length: size - MAX_PER_LIST }, () => newId())];
      await expectError(await invite(meeting.id, { userIds }), 400, 'validation_failed');
      const emails = Array.from({ length: size }, (_, index) => `guest-${index}@outside.example`);
      await expectError(await invite(meeting.id, { emails }), 400, 'validation_failed');
    }
  });
});

describe('listing a full page of recurring meetings', () => {
  it('returns each of 100 series with its recurrence rule', async () => {
    const series = Array.from({ length: 100 }, () => newId());
    const db = multiOrgEnv.DB;
    await db.batch(
      series.flatMap((id) => [
        db
          .prepare(
            `INSERT INTO meetings (id, org_id, title, slug, meeting_type, scheduling_type, status, created_by)
             VALUES (?, ?, 'Stand-up', ?, 'video', 'recurring', 'scheduled', ?)`,
          )
          .bind(id, owner.org.id, `s-${id.toLowerCase()}`, host.user.id),
        db
          .prepare(
            `INSERT INTO recurring_patterns (id, org_id, meeting_id, rrule, dtstart)
             VALUES (?, ?, ?, 'FREQ=DAILY', '2026-01-05T09:00:00')`,
          )
          .bind(newId(), owner.org.id, id),
      ]),
    );
    const response = await call('GET', '/api/meetings?schedulingType=recurring&limit=100', { token: host.token });
    const body = await jsonOf<'GET /api/meetings'>(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(new Set(body.items.map((meeting: { id: string }) => meeting.id))).toEqual(new Set(series));
    for (const meeting of body.items) expect(meeting.recurrence).toMatchObject({ rrule: 'FREQ=DAILY' });
  });
});
