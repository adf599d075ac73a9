import { newId } from '@castio/shared/ids';

export type SecurityEventType = 'refresh_token_reused' | 'user_deactivated' | 'user_role_changed' | 'password_rehashed';

/** An audit row for events a security review needs to find later (ASVS 16.3). Never holds secrets. */
export const securityEventStatement = (
  db: D1Database,
  event: { orgId: string; userId: string | null; type: SecurityEventType; detail?: Record<string, unknown> },
) =>
  db
    .prepare('INSERT INTO security_events (id, org_id, user_id, event_type, detail) VALUES (?, ?, ?, ?, ?)')
    .bind(newId(), event.orgId, event.userId, event.type, event.detail ? JSON.stringify(event.detail) : null);
