import type { Env } from '../env';

/**
 * The mailer interface (docs/architecture.md#mail). No mail can leave the dev machines, so the one adapter here is
 * HTTP: it posts `{ from, to, subject, text }` as JSON to `MAIL_API_URL` (bearer `MAIL_API_TOKEN` if set).
 * In production that is a transactional-mail API or relay Worker; locally it is the local cloud's mail sink.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export class MailerError extends Error {
  override name = 'MailerError';
}

export function httpMailer(url: string, from: string, token?: string): Mailer {
  return {
    async send(message) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ from, ...message }),
      });
      if (!response.ok) throw new MailerError(`The mail API answered ${response.status}.`);
    },
  };
}

/** The configured mailer, or null when the deployment has none (notifications then stay queued). */
export function mailerFromEnv(env: Env): Mailer | null {
  if (!env.MAIL_API_URL) return null;
  return httpMailer(env.MAIL_API_URL, env.MAIL_FROM || 'Castio <no-reply@castio.invalid>', env.MAIL_API_TOKEN);
}
