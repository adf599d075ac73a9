/**
 * Test kit (imported only by tests): the ledger check's comparison of the platform's tables with a played
 * session's ground truth (session-truth.testkit.ts), and with what RTK itself holds for it.
 */
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { localCloudUrl, type Session } from '../../test/helpers';
import type { LocalRtk } from './local-rtk.testkit';
import {
  announcedRecordingStatuses,
  expectedAttendance,
  expectedSessionRow,
  type PlayedSession,
  usersIn,
} from './session-truth.testkit';

const rows = async <T>(sql: string, ...values: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...values)
      .all<T>()
  ).results;

interface SessionRow {
  id: string;
  peak_participant_count: number;
}

/** Every event stored once and processed; the session and each peer's attendance as they really were. */
async function expectSessionMatches(rtk: LocalRtk, truth: PlayedSession) {
  const stored = await rows<{ n: number; done: number }>(
    'SELECT COUNT(*) AS n, SUM(processed) AS done FROM webhook_events WHERE rtk_meeting_id = ?',
    truth.meetingId,
  );
  expect(stored).toEqual([{ n: truth.events.length, done: truth.events.length }]);
  const [session] = await rows<SessionRow>('SELECT * FROM sessions WHERE rtk_session_id = ?', truth.sessionId);
  expect(session).toMatchObject(expectedSessionRow(truth));
  if (truth.webhooks.every((webhook) => !webhook.dropped)) {
    const atRtk = await rtk.rtk.sessions.get(truth.sessionId);
    expect(session!.peak_participant_count).toBe(atRtk.max_concurrent_participants);
  }
  const attendance = await rows<{ peer: string; joinedAt: string; leftAt: string; durationSeconds: number }>(
    `SELECT rtk_participant_id AS peer, joined_at AS joinedAt, left_at AS leftAt, duration_seconds AS durationSeconds
       FROM session_participants WHERE session_id = ?`,
    session!.id,
  );
  expect(Object.fromEntries(attendance.map(({ peer, ...times }) => [peer, times]))).toEqual(expectedAttendance(truth));
  return session!;
}

/** The recording as RTK reports it, with every status RTK announced in its history. */
async function expectRecordingMatches(rtk: LocalRtk, truth: PlayedSession) {
  const recording = truth.recording;
  if (!recording) return;
  const [row] = await rows<{ id: string; status: string; duration_seconds: number; file_size_bytes: number }>(
    'SELECT id, status, duration_seconds, file_size_bytes FROM recordings WHERE rtk_recording_id = ?',
    recording.id,
  );
  expect(row?.status).toBe(recording.status.toLowerCase());
  if (recording.status === 'UPLOADED') {
    const atRtk = await rtk.rtk.recordings.get(recording.id);
    expect(row).toMatchObject({ duration_seconds: recording.durationSeconds, file_size_bytes: atRtk.file_size });
  }
  const history = await rows<{ status: string }>(
    'SELECT status FROM recording_status_events WHERE recording_id = ? ORDER BY status',
    row!.id,
  );
  expect(history.map((entry) => entry.status)).toEqual(announcedRecordingStatuses(truth).sort());
}

/** Our copies of the transcript, summary (byte for byte what RTK serves) and chat. */
async function expectCopiesMatch(rtk: LocalRtk, truth: PlayedSession, sessionId: string) {
  const [copies] = await rows<{ transcript: string | null; summary: string | null; chat: number }>(
    `SELECT (SELECT transcript_json FROM transcripts WHERE session_id = ?1) AS transcript,
            (SELECT summary_markdown FROM summaries WHERE session_id = ?1) AS summary,
            (SELECT COUNT(*) FROM chat_messages WHERE session_id = ?1) AS chat`,
    sessionId,
  );
  expect(copies!.transcript === null ? null : JSON.parse(copies!.transcript).length).toBe(
    truth.transcript?.lines ?? null,
  );
  const summary = truth.summary ? await rtk.rtk.sessions.summary(truth.sessionId) : null;
  expect(copies!.summary).toBe(summary ? await (await fetch(summary.summaryDownloadUrl)).text() : null);
  expect(copies!.chat).toBe(truth.chat.messages);
}

/** One post-meeting mail per participant with an account: queued, sent, and in the mail sink exactly once. */
async function expectOneMailEach(truth: PlayedSession, sessionId: string, people: Session[]) {
  const mail = await rows<{ user_id: string; status: string }>(
    'SELECT user_id, status FROM notifications WHERE dedupe_key LIKE ? ORDER BY user_id',
    `meeting-ended:${sessionId}:%`,
  );
  expect(mail).toEqual(usersIn(truth).map((user_id) => ({ user_id, status: 'sent' })));
  for (const person of people.filter((someone) => usersIn(truth).includes(someone.user.id))) {
    const inbox = await fetch(`${localCloudUrl}/__local/mail?to=${encodeURIComponent(person.user.email)}`);
    const { messages } = await inbox.json<{ messages: { text: string }[] }>();
    expect(messages.filter((sent) => sent.text.includes(`/sessions/${sessionId}`))).toHaveLength(1);
  }
}

/** The ledger check: the platform's rows for a played session equal its ground truth. */
export async function expectRowsMatch(rtk: LocalRtk, truth: PlayedSession, people: Session[]) {
  const session = await expectSessionMatches(rtk, truth);
  await expectRecordingMatches(rtk, truth);
  await expectCopiesMatch(rtk, truth, session.id);
  await expectOneMailEach(truth, session.id, people);
}
