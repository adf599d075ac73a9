import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createOrg, expectError, jsonOf, type Session } from '../../test/helpers';
import { retryPendingEvents } from '../webhooks/ingest';
import { downloadPath, type LocalRtk, localRtk, personOf, type TestMeeting } from '../webhooks/local-rtk.testkit';
import type { PlayedSession } from '../webhooks/session-truth.testkit';

/**
 * Post-meeting pages serve Castio's own copies: a session played by the local cloud is delivered while RTK's
 * download URLs work, the URLs then expire for real, and every route still answers from D1 and R2.
 */
let rtk: LocalRtk;
let owner: Session;
let host: Session;
let member: Session;
let outsider: Session;
let meeting: TestMeeting;
let truth: PlayedSession;
let sessionId: string;
let expiredUrls: string[];

/** Waits until every download URL in the delivered bodies has expired. */
async function outliveUrls(bodies: string[]) {
  const expiries = bodies.flatMap((body) =>
    Object.entries(JSON.parse(body) as Record<string, unknown>)
      .filter(([field]) => /DownloadUrlExpiry$/.test(field))
      .map(([, expiry]) => Date.parse(String(expiry))),
  );
  await new Promise((resolve) => setTimeout(resolve, Math.max(...expiries) - Date.now() + 50));
}

beforeAll(async () => {
  rtk = await localRtk('post-meeting');
  owner = await createOrg('post');
  host = await addMember(owner, 'host');
  member = await addMember(owner, 'member');
  outsider = await createOrg('postother');
  meeting = await rtk.meeting(owner, { createdBy: host.user.id });
  const played = await rtk.play(meeting, {
    participantIds: [await rtk.participant(meeting, personOf(host)), await rtk.participant(meeting, personOf(member))],
    participants: 1,
    minutes: 30,
    record: true,
    urlTtlSeconds: 3,
    seed: 7,
  });
  truth = played.truth;
  for (const delivery of played.deliveries) expect((await rtk.deliver(delivery)).status).toBe(200);
  sessionId = (await env.DB.prepare('SELECT id FROM sessions WHERE rtk_session_id = ?')
    .bind(truth.sessionId)
    .first<{ id: string }>())!.id;
  // RTK's chat has neither pins nor private messages nor formulas; these are stored as copied messages would be.
  await env.DB.prepare(
    `INSERT INTO chat_messages (id, org_id, session_id, meeting_id, rtk_message_id, sender_user_id, sender_name, message_type,
       content, is_pinned, is_private, recipient_user_id, sent_at)
     VALUES ('pm1', ?1, ?2, ?3, 'pm-1', ?4, 'Host', 'text', 'just between us', 0, 1, 'someone-else', ?5),
            ('pin1', ?1, ?2, ?3, 'pin-1', ?4, 'Host', 'text', '=SUM(A1)', 1, 0, NULL, ?5)`,
  )
    .bind(owner.org.id, sessionId, meeting.id, host.user.id, truth.endedAt)
    .run();
  expiredUrls = played.deliveries.flatMap((delivery) =>
    Object.entries(JSON.parse(delivery.body) as Record<string, unknown>)
      .filter(([field, value]) => /(transcript|summary|chat)DownloadUrl$/.test(field) && typeof value === 'string')
      .map(([, url]) => String(url)),
  );
  await outliveUrls(played.deliveries.map((delivery) => delivery.body));
}, 30_000);

const get = (path: string, who: Session = member) => call('GET', path, { token: who.token, env: rtk.env });

describe('post-meeting data after RTK’s URLs expire', () => {
  it('RTK’s links in the webhooks no longer work', async () => {
    expect(expiredUrls).toHaveLength(3);
    for (const url of expiredUrls) expect((await fetch(url)).status).toBe(403);
  });

  it('lists the meeting’s sessions and shows the header to members, analytics only to hosts/admins', async () => {
    const list = await jsonOf<'GET /api/meetings/{meetingId}/sessions'>(
      await get(`/api/meetings/${meeting.id}/sessions`),
    );
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      id: sessionId,
      status: 'ended',
      durationSeconds: 30 * 60,
      hasTranscript: true,
    });
    const asMember = await jsonOf<'GET /api/meetings/{meetingId}/sessions/{sessionId}'>(
      await get(`/api/meetings/${meeting.id}/sessions/${sessionId}`),
    );
    expect(asMember.analytics).toBeNull();
    expect(asMember.host).toEqual({ id: host.user.id, name: host.user.name });
    const asHost = await jsonOf<'GET /api/meetings/{meetingId}/sessions/{sessionId}'>(
      await get(`/api/meetings/${meeting.id}/sessions/${sessionId}`, host),
    );
    expect(asHost.analytics?.participants).toHaveLength(truth.participants.length);
    expect(asHost.analytics?.chatMessages).toBe(truth.chat.messages + 2);
  });

  it('serves the transcript, summary and recordings from our own storage', async () => {
    const transcript = await jsonOf<'GET /api/meetings/{meetingId}/transcript'>(
      await get(`/api/meetings/${meeting.id}/transcript`),
    );
    expect(transcript.entries).toHaveLength(truth.transcript!.lines);
    // RTK still has them (its REST API hands out fresh links): ours are the same.
    const atRtk = JSON.parse(
      await (
        await fetch((await rtk.rtk.sessions.transcript(truth.sessionId, { format: 'JSON' })).transcript_download_url)
      ).text(),
    ) as { transcript: string }[];
    expect(transcript.entries.map((entry: { text: string }) => entry.text)).toEqual(
      atRtk.map((line) => line.transcript),
    );
    const summary = await (await fetch((await rtk.rtk.sessions.summary(truth.sessionId)).summaryDownloadUrl)).text();
    expect(
      (await jsonOf<'GET /api/meetings/{meetingId}/summary'>(await get(`/api/meetings/${meeting.id}/summary`)))
        .markdown,
    ).toBe(summary);
    const recordings = await jsonOf<'GET /api/meetings/{meetingId}/recordings'>(
      await get(`/api/meetings/${meeting.id}/recordings`),
    );
    expect(recordings.items).toHaveLength(1);
    expect(recordings.items[0]).toMatchObject({
      status: 'uploaded',
      codec: 'H264',
      storageLocation: 'rtk',
      durationSeconds: truth.recording!.durationSeconds,
    });
    expect(recordings.items[0]?.history.map((entry) => entry.status).sort()).toEqual(
      ['recording', 'uploading', 'uploaded'].sort(),
    );
    expect(await env.R2_EXPORTS.head(`org/${owner.org.id}/sessions/${sessionId}/transcript.json`)).not.toBeNull();
  });

  it('exports the chat as JSON and CSV, pinned first, private messages only to those involved', async () => {
    const asMember = await jsonOf<'GET /api/meetings/{meetingId}/chat-export'>(
      await get(`/api/meetings/${meeting.id}/chat-export`),
    );
    expect(asMember.messages).toHaveLength(truth.chat.messages + 1);
    expect(asMember.messages[0]).toMatchObject({ id: 'pin-1', isPinned: true });
    // Senders are our users (RTK names them `user:<id>`); the guest is no user.
    const fromRtk = asMember.messages.filter((message: { id: string }) => message.id !== 'pin-1');
    const senders = new Set<string | null>(
      fromRtk.map((message: { senderUserId: string | null }) => message.senderUserId),
    );
    expect([...senders].every((sender) => [host.user.id, member.user.id, null].includes(sender))).toBe(true);
    expect(senders.has(host.user.id) || senders.has(member.user.id)).toBe(true);
    const asHost = await jsonOf<'GET /api/meetings/{meetingId}/chat-export'>(
      await get(`/api/meetings/${meeting.id}/chat-export`, host),
    );
    expect(asHost.messages.map((message: { id: string }) => message.id)).toContain('pm-1');
    const asOwner = await jsonOf<'GET /api/meetings/{meetingId}/chat-export'>(
      await get(`/api/meetings/${meeting.id}/chat-export`, owner),
    );
    expect(asOwner.messages).toHaveLength(truth.chat.messages + 2);
    const csv = await get(`/api/meetings/${meeting.id}/chat-export?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe(
      'id,sent_at,sender_user_id,sender_name,type,content,file_name,file_url,pinned,private,recipient_user_id',
    );
    expect(text.trim().split('\r\n')).toHaveLength(truth.chat.messages + 2);
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
      await call('POST', `/api/meetings/${meeting.id}/summary`, { token: outsider.token, body: {}, env: rtk.env }),
      404,
    );
    const other = await rtk.meeting(owner);
    await expectError(await get(`/api/meetings/${other.id}/sessions/${sessionId}`), 404);
    await expectError(await get(`/api/meetings/${other.id}/transcript?sessionId=${sessionId}`), 404);
  });
});

describe('a new summary on request', () => {
  const ask = (who: Session, meetingId = meeting.id) =>
    call('POST', `/api/meetings/${meetingId}/summary`, { token: who.token, body: {}, env: rtk.env });

  it('lets the meeting’s host ask RTK, which delivers a new summary; others may not', async () => {
    expect((await ask(host)).status).toBe(202);
    const delivered = await rtk.collect();
    expect(delivered.map((delivery) => delivery.event)).toEqual(['meeting.summary']);
    expect(JSON.parse(delivered[0]!.body)).toMatchObject({ meeting: { sessionId: truth.sessionId } });
    expect((await rtk.deliver(delivered[0]!)).status).toBe(200);
    const refused = await expectError(await ask(await addMember(owner, 'host', 'otherhost')), 403);
    expect(refused.message).toBe('Only the meeting’s host or an administrator can do this.');
    await expectError(await ask(member), 403);
  });

  it('answers 502 when RTK refuses, and 409 for a session without a transcript', async () => {
    await rtk.setFaults([{ method: 'POST', path: rtk.api('/sessions/*/summary'), status: 503, errorRate: 1 }]);
    await expectError(await ask(host), 502, 'rtk_unavailable');
    await rtk.clearFaults();
    const bare = await rtk.meeting(owner);
    const played = await rtk.play(bare, { participants: 1, transcript: false, chatMessages: 0 });
    for (const delivery of played.deliveries) expect((await rtk.deliver(delivery)).status).toBe(200);
    await expectError(await ask(owner, bare.id), 409, 'no_transcript');
  });
});

describe('a copy retried after RTK’s link expired', () => {
  it('is made from a fresh link RTK’s REST API hands out, so nothing RTK announced is lost', async () => {
    const late = await rtk.meeting(owner);
    const { truth, deliveries } = await rtk.play(late, { participants: 2, minutes: 10, urlTtlSeconds: 2 });
    // RTK's storage fails the first download of each: the events wait for the retry cron.
    await rtk.setFaults(
      (['transcript', 'summary', 'chat'] as const).map((kind) => ({
        target: 'download' as const,
        path: downloadPath(kind, truth.sessionId),
        errorRate: 1,
        times: 1,
      })),
    );
    for (const delivery of deliveries) expect((await rtk.deliver(delivery)).status).toBe(200);
    await rtk.clearFaults();
    const copies = () =>
      env.DB.prepare('SELECT has_transcript, has_summary, has_chat FROM sessions WHERE rtk_session_id = ?')
        .bind(truth.sessionId)
        .first();
    expect(await copies()).toEqual({ has_transcript: 0, has_summary: 0, has_chat: 0 });
    // The retry comes after the links in the webhooks expired.
    await outliveUrls(deliveries.map((delivery) => delivery.body));
    expect(await retryPendingEvents(rtk.env, { now: Date.now() + 2 * 60_000 })).toMatchObject({
      attempted: 3,
      processed: 3,
    });
    expect(await copies()).toEqual({ has_transcript: 1, has_summary: 1, has_chat: 1 });
    const summary = await (await fetch((await rtk.rtk.sessions.summary(truth.sessionId)).summaryDownloadUrl)).text();
    const stored = await env.DB.prepare(
      'SELECT summary_markdown FROM summaries s JOIN sessions x ON x.id = s.session_id WHERE x.rtk_session_id = ?',
    )
      .bind(truth.sessionId)
      .first<{ summary_markdown: string }>();
    expect(stored!.summary_markdown).toBe(summary);
  });
});
