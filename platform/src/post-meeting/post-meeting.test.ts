import { env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addMember, call, createOrg, expectError, json, type Session } from '../../test/helpers';
import { deliver, FakeRtk, insertMeeting, meetingObject } from '../webhooks/fake-rtk.testkit';
import { buildScenario, type Scenario } from '../webhooks/scenario.testkit';

let fake: FakeRtk;
let owner: Session;
let host: Session;
let member: Session;
let outsider: Session;
let meeting: { id: string; rtkMeetingId: string };
let scenario: Scenario;
let sessionId: string;

beforeAll(async () => {
  fake = await FakeRtk.start();
  owner = await createOrg('post');
  host = await addMember(owner, 'host');
  member = await addMember(owner, 'member');
  outsider = await createOrg('postother');
  meeting = await insertMeeting(owner, { createdBy: host.user.id });
  scenario = buildScenario(fake, {
    rtkMeetingId: meeting.rtkMeetingId,
    users: [host.user, member.user],
    guests: 1,
    seed: 7,
  });
  for (const event of scenario.events) expect((await deliver(fake, event.payload)).status).toBe(200);
  // A private message between two other people, added to the chat export after the fact.
  sessionId = (
    await env.DB.prepare('SELECT id FROM sessions WHERE rtk_session_id = ?').bind(scenario.rtkSessionId).first<any>()
  ).id;
  await env.DB.prepare(
    `INSERT INTO chat_messages (id, org_id, session_id, meeting_id, rtk_message_id, sender_user_id, sender_name, message_type, content, is_private, recipient_user_id, sent_at)
     VALUES ('pm1', ?, ?, ?, 'pm-1', ?, 'Host', 'text', 'just between us', 1, 'someone-else', '2026-11-20T10:09:00.000Z')`,
  )
    .bind(owner.org.id, sessionId, meeting.id, host.user.id)
    .run();
  fake.expireFiles(); // RTK's 7 days are over: only Castio's copies remain
});
afterAll(() => vi.restoreAllMocks());

const get = (path: string, who: Session = member) => call('GET', path, { token: who.token });

describe('post-meeting data after RTK’s URLs expire', () => {
  it('lists the meeting’s sessions and shows the header to members, analytics only to hosts/admins', async () => {
    const list = await json(await get(`/api/meetings/${meeting.id}/sessions`));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      id: sessionId,
      status: 'ended',
      durationSeconds: scenario.truth.durationSeconds,
      hasTranscript: true,
    });
    const asMember = await json(await get(`/api/meetings/${meeting.id}/sessions/${sessionId}`));
    expect(asMember.analytics).toBeNull();
    expect(asMember.host).toEqual({ id: host.user.id, name: host.user.name });
    const asHost = await json(await get(`/api/meetings/${meeting.id}/sessions/${sessionId}`, host));
    expect(asHost.analytics.participants).toHaveLength(Object.keys(scenario.truth.peers).length);
    expect(asHost.analytics.chatMessages).toBe(scenario.truth.chatMessages + 1);
  });

  it('serves the transcript, summary and recordings from our own storage', async () => {
    const transcript = await json(await get(`/api/meetings/${meeting.id}/transcript`));
    expect(transcript.entries).toHaveLength(scenario.truth.transcriptFinalEntries);
    expect(transcript.entries.every((entry: any) => entry.text.startsWith('Point'))).toBe(true);
    expect((await json(await get(`/api/meetings/${meeting.id}/summary`))).markdown).toBe(scenario.truth.summary);
    const recordings = await json(await get(`/api/meetings/${meeting.id}/recordings`));
    expect(recordings.items).toHaveLength(1);
    expect(recordings.items[0]).toMatchObject({ status: 'uploaded', codec: 'H264', storageLocation: 'rtk' });
    expect(recordings.items[0].history.map((entry: any) => entry.status).sort()).toEqual(
      ['invoked', 'recording', 'uploading', 'uploaded'].sort(),
    );
    // The R2 copy is there too.
    expect(await env.R2_EXPORTS.head(`org/${owner.org.id}/sessions/${sessionId}/transcript.json`)).not.toBeNull();
  });

  it('exports the chat as JSON and CSV, pinned first, private messages only to those involved', async () => {
    const asMember = await json(await get(`/api/meetings/${meeting.id}/chat-export`));
    expect(asMember.messages.map((message: any) => message.id)).toEqual(['msg-0', 'msg-1', 'msg-2', 'msg-3']);
    expect(asMember.messages[0].isPinned).toBe(true);
    const asHost = await json(await get(`/api/meetings/${meeting.id}/chat-export`, host));
    expect(asHost.messages.map((message: any) => message.id)).toContain('pm-1');
    const asOwner = await json(await get(`/api/meetings/${meeting.id}/chat-export`, owner));
    expect(asOwner.messages).toHaveLength(5);
    const csv = await get(`/api/meetings/${meeting.id}/chat-export?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe(
      'id,sent_at,sender_user_id,sender_name,type,content,file_name,file_url,pinned,private,recipient_user_id',
    );
    expect(text).toContain("'=SUM(A1)"); // no formula injection into spreadsheets
    expect(text).not.toContain('just between us');
  });

  it('answers 404 for another org’s meeting or session, and for a session of another meeting', async () => {
    for (const path of [
      `/api/meetings/${meeting.id}/sessions`,
      `/api/meetings/${meeting.id}/sessions/${sessionId}`,
      `/api/meetings/${meeting.id}/recordings`,
      `/api/meetings/${meeting.id}/transcript`,
      `/api/meetings/${meeting.id}/summary`,
      `/api/meetings/${meeting.id}/chat-export`,
    ]) {
      await expectError(await get(path, outsider), 404, 'not_found');
    }
    await expectError(
      await call('POST', `/api/meetings/${meeting.id}/summary`, { token: outsider.token, body: {} }),
      404,
    );
    const other = await insertMeeting(owner);
    await expectError(await get(`/api/meetings/${other.id}/sessions/${sessionId}`), 404);
    await expectError(await get(`/api/meetings/${other.id}/transcript?sessionId=${sessionId}`), 404);
  });

  it('lets the meeting’s host ask RTK for a new summary, and refuses without a transcript', async () => {
    const ok = await call('POST', `/api/meetings/${meeting.id}/summary`, {
      token: host.token,
      body: {},
      env: fake.env(),
    });
    expect(ok.status).toBe(202);
    expect(fake.summaryRequests).toContain(scenario.rtkSessionId);
    const otherHost = await addMember(owner, 'host', 'otherhost');
    await expectError(
      await call('POST', `/api/meetings/${meeting.id}/summary`, { token: otherHost.token, body: {}, env: fake.env() }),
      403,
    );
    await expectError(
      await call('POST', `/api/meetings/${meeting.id}/summary`, { token: member.token, body: {}, env: fake.env() }),
      403,
    );
    const bare = await insertMeeting(owner);
    await deliver(fake, {
      event: 'meeting.ended',
      meeting: meetingObject(bare.rtkMeetingId, 'sess-bare', { endedAt: '2026-11-20T11:00:00.000Z' }),
    });
    await expectError(
      await call('POST', `/api/meetings/${bare.id}/summary`, { token: owner.token, body: {}, env: fake.env() }),
      409,
      'no_transcript',
    );
  });
});
