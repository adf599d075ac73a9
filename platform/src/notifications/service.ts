import { newId } from '@castio/shared/ids';
import type { Env } from '../env';
import { mailerFromEnv, type Mailer } from './mailer';

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

/** The post-meeting mail (seed §8.9): title, duration, summary snippet (first 200 chars) or "Processing", link. */
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
  const session = await env.DB.prepare(
    `SELECT s.id, s.org_id, s.meeting_id, s.status, s.duration_seconds, m.title, sm.summary_markdown
       FROM sessions s JOIN meetings m ON m.id = s.meeting_id
       LEFT JOIN summaries sm ON sm.session_id = s.id WHERE s.id = ?`,
  )
    .bind(sessionId)
    .first<{
      id: string;
      org_id: string;
      meeting_id: string;
      status: string;
      duration_seconds: number | null;
      title: string;
      summary_markdown: string | null;
    }>();
  if (session?.status !== 'ended') return 0;
  const { results } = await env.DB.prepare(
    `SELECT DISTINCT u.id, u.email FROM session_participants p
       JOIN users u ON u.id = p.user_id AND u.org_id = p.org_id AND u.is_active = 1
      WHERE p.session_id = ?`,
  )
    .bind(sessionId)
    .all<{ id: string; email: string }>();
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
      env.DB.prepare(
        `INSERT INTO notifications (id, org_id, user_id, kind, dedupe_key, recipient_email, subject, body_text)
         VALUES (?, ?, ?, 'meeting_ended', ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      ).bind(
        newId(),
        session.org_id,
        user.id,
        `meeting-ended:${session.id}:${user.id}`,
        user.email,
        mail.subject,
        mail.text,
      ),
    ),
  );
  return outcome.reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
}

/** Sends queued mail; each row is claimed first so two runs never send the same mail twice. */
export async function sendQueuedNotifications(env: Env, options: { mailer?: Mailer | null; limit?: number } = {}) {
  const mailer = options.mailer === undefined ? mailerFromEnv(env) : options.mailer;
  if (!mailer) return { sent: 0, failed: 0 };
  const { results } = await env.DB.prepare(
    `SELECT id, recipient_email, subject, body_text, attempts FROM notifications
      WHERE status = 'queued' ORDER BY created_at LIMIT ?`,
  )
    .bind(options.limit ?? 50)
    .all<{ id: string; recipient_email: string; subject: string; body_text: string; attempts: number }>();
  let sent = 0;
  let failed = 0;
  for (const row of results) {
    const claim = await env.DB.prepare(
      `UPDATE notifications SET attempts = attempts + 1 WHERE id = ? AND status = 'queued' AND attempts = ?`,
    )
      .bind(row.id, row.attempts)
      .run();
    if (!claim.meta.changes) continue;
    try {
      await mailer.send({ to: row.recipient_email, subject: row.subject, text: row.body_text });
      await env.DB.prepare(
        `UPDATE notifications SET status = 'sent', sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), last_error = NULL WHERE id = ?`,
      )
        .bind(row.id)
        .run();
      sent++;
    } catch (error) {
      const exhausted = row.attempts + 1 >= MAX_ATTEMPTS;
      await env.DB.prepare(`UPDATE notifications SET status = ?, last_error = ? WHERE id = ?`)
        .bind(exhausted ? 'failed' : 'queued', String((error as Error).message).slice(0, 300), row.id)
        .run();
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
  const { results } = await env.DB.prepare(
    `SELECT s.id FROM sessions s
      WHERE s.status = 'ended' AND s.updated_at >= ?
        AND EXISTS (SELECT 1 FROM session_participants p JOIN users u ON u.id = p.user_id AND u.org_id = p.org_id AND u.is_active = 1
                     WHERE p.session_id = s.id
                       AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = 'meeting-ended:' || s.id || ':' || u.id))
      LIMIT 200`,
  )
    .bind(new Date(now - windowMs).toISOString())
    .all<{ id: string }>();
  let queued = 0;
  for (const { id } of results) queued += await queueMeetingEndedNotifications(env, id);
  return queued;
}
