import type { Env } from '../env';
import { mailerFromEnv, type Mailer } from './mailer';
import {
  claimNotification,
  findSessionForMail,
  listQueuedNotifications,
  listSessionRecipients,
  listSessionsMissingMail,
  markNotificationFailedStatement,
  markNotificationSentStatement,
  queueNotificationStatement,
} from './queries';

const MAX_ATTEMPTS = 5;

export function formatDuration(seconds: number | null): string {
  if (seconds === null || seconds === undefined) return 'unknown';
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours) return `${hours} h ${minutes} min`;
  if (minutes) return `${minutes} min${rest ? ` ${rest} s` : ''}`;
  return `${rest} s`;
}

/** The post-meeting mail (spec §8.9): title, duration, summary snippet (first 200 chars) or "Processing", link. */
export function meetingEndedMail(input: {
  title: string;
  durationSeconds: number | null;
  summary: string | null;
  link: string;
}) {
  const snippet = input.summary ? input.summary.replace(/\s+/g, ' ').trim().slice(0, 200) : null;
  return {
    subject: `Meeting ended: ${input.title}`.slice(0, 200),
    text: [
      `“${input.title}” has ended.`,
      `Duration: ${formatDuration(input.durationSeconds)}`,
      '',
      snippet
        ? `Summary: ${snippet}${input.summary!.length > 200 ? '…' : ''}`
        : 'Summary: Processing… check back on the meeting page.',
      '',
      `Recording, transcript, summary and chat: ${input.link}`,
    ].join('\n'),
  };
}

/**
 * Queues one mail per participant with an account in an ended session. The dedupe key makes this safe to call
 * on every event of the session, in any order: each person gets exactly one mail per session.
 */
export async function queueMeetingEndedNotifications(env: Env, sessionId: string) {
  const session = await findSessionForMail(env.DB, sessionId);
  if (session?.status !== 'ended') return 0;
  const results = await listSessionRecipients(env.DB, sessionId);
  if (!results.length) return 0;
  const base = (env.APP_BASE_URL ?? '').replace(/\/+$/, '');
  const mail = meetingEndedMail({
    title: session.title,
    durationSeconds: session.duration_seconds,
    summary: session.summary_markdown,
    link: `${base}/meetings/${session.meeting_id}/sessions/${session.id}`,
  });
  const outcome = await env.DB.batch(
    results.map((user) =>
      queueNotificationStatement(env.DB, {
        orgId: session.org_id,
        userId: user.id,
        dedupeKey: `meeting-ended:${session.id}:${user.id}`,
        recipientEmail: user.email,
        subject: mail.subject,
        bodyText: mail.text,
      }),
    ),
  );
  return outcome.reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
}

/** Sends queued mail; each row is claimed first so two runs never send the same mail twice. */
export async function sendQueuedNotifications(env: Env, options: { mailer?: Mailer | null; limit?: number } = {}) {
  const mailer = options.mailer === undefined ? mailerFromEnv(env) : options.mailer;
  if (!mailer) return { sent: 0, failed: 0 };
  const results = await listQueuedNotifications(env.DB, options.limit ?? 50);
  let sent = 0;
  let failed = 0;
  for (const row of results) {
    if (!(await claimNotification(env.DB, row))) continue;
    try {
      await mailer.send({ to: row.recipient_email, subject: row.subject, text: row.body_text });
      await markNotificationSentStatement(env.DB, row.id).run();
      sent++;
    } catch (error) {
      const exhausted = row.attempts + 1 >= MAX_ATTEMPTS;
      const failure = { exhausted, error: String((error as Error).message).slice(0, 300) };
      await markNotificationFailedStatement(env.DB, row.id, failure).run();
      failed++;
    }
  }
  return { sent, failed };
}

/**
 * Safety net for the queueing done right after `meeting.ended` is processed: sessions that ended (or changed)
 * recently and still have a participant with an account but no mail get theirs queued now.
 */
export async function queueMissedNotifications(env: Env, now = Date.now(), windowMs = 2 * 86_400_000) {
  const results = await listSessionsMissingMail(env.DB, new Date(now - windowMs).toISOString());
  let queued = 0;
  for (const { id } of results) queued += await queueMeetingEndedNotifications(env, id);
  return queued;
}
