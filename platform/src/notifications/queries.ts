import { newId } from '@castio/shared/ids';
import { NOW_SQL } from '../database/sql';

/** An ended session as its post-meeting mail needs it (the summary once it arrived). */
export interface EndedSessionRow {
  id: string;
  org_id: string;
  meeting_id: string;
  status: string;
  duration_seconds: number | null;
  title: string;
  summary_markdown: string | null;
}

export const findSessionForMail = (db: D1Database, sessionId: string) =>
  db
    .prepare(
      `SELECT s.id, s.org_id, s.meeting_id, s.status, s.duration_seconds, m.title, sm.summary_markdown
         FROM sessions s JOIN meetings m ON m.id = s.meeting_id
         LEFT JOIN summaries sm ON sm.session_id = s.id WHERE s.id = ?`,
    )
    .bind(sessionId)
    .first<EndedSessionRow>();

/** The session's participants with an active account in its org, once each. */
export async function listSessionRecipients(db: D1Database, sessionId: string) {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT u.id, u.email FROM session_participants p
         JOIN users u ON u.id = p.user_id AND u.org_id = p.org_id AND u.is_active = 1
        WHERE p.session_id = ?`,
    )
    .bind(sessionId)
    .all<{ id: string; email: string }>();
  return results;
}

/** Queues one mail; the dedupe key makes queueing the same mail again a no-op. */
export const queueNotificationStatement = (
  db: D1Database,
  mail: { orgId: string; userId: string; dedupeKey: string; recipientEmail: string; subject: string; bodyText: string },
) =>
  db
    .prepare(
      `INSERT INTO notifications (id, org_id, user_id, kind, dedupe_key, recipient_email, subject, body_text)
       VALUES (?, ?, ?, 'meeting_ended', ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .bind(newId(), mail.orgId, mail.userId, mail.dedupeKey, mail.recipientEmail, mail.subject, mail.bodyText);

export interface QueuedNotificationRow {
  id: string;
  recipient_email: string;
  subject: string;
  body_text: string;
  attempts: number;
}

/** Every org's queued mail, oldest first. */
export async function listQueuedNotifications(db: D1Database, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT id, recipient_email, subject, body_text, attempts FROM notifications
        WHERE status = 'queued' ORDER BY created_at LIMIT ?`,
    )
    .bind(limit)
    .all<QueuedNotificationRow>();
  return results;
}

/** Claims a queued mail for one send attempt; false when another run took it first. */
export async function claimNotification(db: D1Database, row: Pick<QueuedNotificationRow, 'id' | 'attempts'>) {
  const claim = await db
    .prepare(`UPDATE notifications SET attempts = attempts + 1 WHERE id = ? AND status = 'queued' AND attempts = ?`)
    .bind(row.id, row.attempts)
    .run();
  return claim.meta.changes > 0;
}

export const markNotificationSentStatement = (db: D1Database, notificationId: string) =>
  db
    .prepare(`UPDATE notifications SET status = 'sent', sent_at = ${NOW_SQL}, last_error = NULL WHERE id = ?`)
    .bind(notificationId);

/** A failed send: queued again for the next run, or `failed` for good once it is out of attempts. */
export const markNotificationFailedStatement = (
  db: D1Database,
  notificationId: string,
  failure: { exhausted: boolean; error: string },
) =>
  db
    .prepare(`UPDATE notifications SET status = ?, last_error = ? WHERE id = ?`)
    .bind(failure.exhausted ? 'failed' : 'queued', failure.error, notificationId);

/**
 * Sessions of any org that ended (or changed) since `since` and still have a participant with an account but no
 * post-meeting mail.
 */
export async function listSessionsMissingMail(db: D1Database, since: string) {
  const { results } = await db
    .prepare(
      `SELECT s.id FROM sessions s
        WHERE s.status = 'ended' AND s.updated_at >= ?
          AND EXISTS (SELECT 1 FROM session_participants p JOIN users u ON u.id = p.user_id AND u.org_id = p.org_id AND u.is_active = 1
                       WHERE p.session_id = s.id
                         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = 'meeting-ended:' || s.id || ':' || u.id))
        LIMIT 200`,
    )
    .bind(since)
    .all<{ id: string }>();
  return results;
}
