import { isoNow } from '@castio/shared/time';
import type { UserRole } from '@castio/shared/rbac';
import type { UserRow } from '../users/queries';
import type { AccessClaims } from './access-token';

/**
 * Records a sign-in session (one per refresh-token family, same id). OR IGNORE: rotation also records the
 * session of a family started before sessions were recorded (migration 0004), and must leave an existing row,
 * ended or not, as it is.
 */
export const recordSessionStatement = (
  db: D1Database,
  session: { id: string; orgId: string; userId: string; networkHash: string | null },
) =>
  db
    .prepare('INSERT OR IGNORE INTO auth_sessions (id, org_id, user_id, network_hash) VALUES (?, ?, ?, ?)')
    .bind(session.id, session.orgId, session.userId, session.networkHash);

export const endSessionStatement = (db: D1Database, sessionId: string, now = Date.now()) =>
  db.prepare('UPDATE auth_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL').bind(isoNow(now), sessionId);

export const endUserSessionsStatement = (db: D1Database, userId: string, now = Date.now()) =>
  db.prepare('UPDATE auth_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL').bind(isoNow(now), userId);

/**
 * The caller behind a verified access token: an active user of the token's org whose session has not ended.
 * One query per request: the session is a primary-key lookup joined to the user row.
 */
export const findSignedInUser = (db: D1Database, claims: AccessClaims) =>
  db
    .prepare(
      `SELECT u.id, u.org_id, u.role, u.email, u.name FROM users u
       JOIN auth_sessions s ON s.id = ? AND s.user_id = u.id AND s.ended_at IS NULL
       WHERE u.id = ? AND u.org_id = ? AND u.is_active = 1`,
    )
    .bind(claims.sessionId, claims.userId, claims.orgId)
    .first<{ id: string; org_id: string; role: UserRole; email: string; name: string }>();

/**
 * The user signing in, and whether a session of theirs was started from this network since `since` (a known
 * network: sign-in-limits.ts). One query, so the check costs no round trip of its own.
 */
export const findUserForSignIn = (
  db: D1Database,
  lookup: { orgId: string; email: string; networkHash: string | null; since: string },
) =>
  db
    .prepare(
      `SELECT u.*, EXISTS (
         SELECT 1 FROM auth_sessions s WHERE s.user_id = u.id AND s.network_hash = ? AND s.created_at > ?
       ) AS from_known_network
       FROM users u WHERE u.org_id = ? AND u.email = ?`,
    )
    .bind(lookup.networkHash, lookup.since, lookup.orgId, lookup.email)
    .first<UserRow & { from_known_network: 0 | 1 }>();
