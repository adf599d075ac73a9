// The mail sink (docs/architecture.md#mail): the platform's HTTP mailer posts { from, to, subject, text } to
// POST /__local/mail; people and tests read it back with GET /__local/mail[?to=…]. Links in mail can be followed.
// Sending can fail like a real mail API (fault target `mail`, path = the recipient address).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FaultPlan, injectedAnswer } from '../faults/fault-plan.ts';
import { json } from '../http/cf-envelope.ts';
import { isPlainObject } from '../http/request-body.ts';
import type { Router } from '../http/router.ts';

interface MailMessage {
  id: string;
  received_at: string;
  from: unknown;
  to: string;
  subject: string;
  text: string;
  html: unknown;
  /** Whether the sender authenticated (`bearer`); the value is not kept. */
  authorization: 'bearer' | null;
}

export function registerMailSink(router: Router, { stateDir, faults }: { stateDir: string; faults: FaultPlan }): void {
  const file = join(stateDir, 'mail.json');
  const inbox: MailMessage[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const save = () => writeFileSync(file, JSON.stringify(inbox.slice(-500)));

  router.add('POST', '/__local/mail', {}, async ({ request }) => {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return json(400, { error: 'body must be JSON { from, to, subject, text }' });
    }
    const { to, subject, text } = isPlainObject(body) ? body : {};
    if (!isPlainObject(body) || typeof to !== 'string' || typeof subject !== 'string' || typeof text !== 'string')
      return json(400, { error: '`to`, `subject` and `text` are required strings' });
    const injected = await injectedAnswer(faults, 'mail', 'POST', to, (status, error) => json(status, { error }));
    if (injected) return injected;
    const message: MailMessage = {
      id: randomUUID(),
      received_at: new Date().toISOString(),
      from: body.from ?? null,
      to,
      subject,
      text,
      html: body.html ?? null,
      authorization: request.headers.get('authorization') ? 'bearer' : null,
    };
    inbox.push(message);
    save();
    return json(202, { id: message.id });
  });
  router.add('GET', '/__local/mail', {}, ({ url }) => {
    const to = url.searchParams.get('to')?.toLowerCase();
    return json(200, { messages: inbox.filter((m) => !to || m.to.toLowerCase().includes(to)) });
  });
  router.add('DELETE', '/__local/mail', {}, () => {
    inbox.length = 0;
    save();
    return json(200, { deleted: true });
  });
}
