import { newId } from '@castio/shared/ids';
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

// Users: auth writes the sign-in columns (users/queries.ts inserts and edits the rest).

export const recordLoginStatement = (db: D1Database, userId: string, at = isoNow()) =>
  db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').bind(at, userId);

export const rehashPasswordStatement = (db: D1Database, userId: string, passwordHash: string) =>
  db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(passwordHash, userId);

// Refresh tokens (refresh-tokens.ts): one family per sign-in, rotated by a conditional claim.

export interface RefreshTokenRow {
  id: string;
  org_id: string;
  user_id: string;
  family_id: string;
  expires_at: string;
  family_expires_at: string;
  revoked_at: string | null;
  replaced_by: string | null;
}

export const insertRefreshTokenStatement = (
  db: D1Database,
  token: {
    id: string;
    orgId: string;
    userId: string;
    familyId: string;
    parentId: string | null;
    tokenHash: string;
    expiresAt: string;
    familyExpiresAt: string;
  },
) =>
  db
    .prepare(
      `INSERT INTO refresh_tokens (id, org_id, user_id, family_id, parent_id, token_hash, expires_at, family_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      token.id,
      token.orgId,
      token.userId,
      token.familyId,
      token.parentId,
      token.tokenHash,
      token.expiresAt,
      token.familyExpiresAt,
    );

/**
 * Claims the token for rotation: one conditional UPDATE, atomic in SQLite, so of several concurrent claims
 * exactly one gets the row back. A revoked or expired token, or one whose session has ended, is not claimed.
 */
export const claimRefreshToken = (db: D1Database, tokenHash: string, successorId: string, now: number) =>
  db
    .prepare(
      `UPDATE refresh_tokens SET revoked_at = ?, replaced_by = ?
       WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ? AND family_expires_at > ?
         AND NOT EXISTS (SELECT 1 FROM auth_sessions s WHERE s.id = refresh_tokens.family_id AND s.ended_at IS NOT NULL)
       RETURNING id, org_id, user_id, family_id, expires_at, family_expires_at, revoked_at, replaced_by`,
    )
    .bind(isoNow(now), successorId, tokenHash, isoNow(now), isoNow(now))
    .first<RefreshTokenRow>();

export const findRefreshToken = (db: D1Database, tokenHash: string) =>
  db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').bind(tokenHash).first<RefreshTokenRow>();

export const findFamilyOfToken = (db: D1Database, tokenHash: string) =>
  db
    .prepare('SELECT family_id FROM refresh_tokens WHERE token_hash = ?')
    .bind(tokenHash)
    .first<Pick<RefreshTokenRow, 'family_id'>>();

export const revokeFamilyTokensStatement = (db: D1Database, familyId: string, now = Date.now()) =>
  db
    .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL')
    .bind(isoNow(now), familyId);

export const revokeUserTokensStatement = (db: D1Database, userId: string, now = Date.now()) =>
  db
    .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
    .bind(isoNow(now), userId);

// Invitations: users/invites.ts creates and revokes them; registration accepts one.

export interface OpenInviteRow {
  id: string;
  org_id: string;
  email: string;
  role: UserRole;
}

/** The invitation a token names, while it can still be used (not accepted, not revoked, not expired). */
export const findOpenInvite = (db: D1Database, tokenHash: string, now = isoNow()) =>
  db
    .prepare(
      'SELECT * FROM org_invites WHERE token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?',
    )
    .bind(tokenHash, now)
    .first<OpenInviteRow>();

/** Claims the invitation; run in the batch that inserts the user, so a second use fails the whole batch. */
export const acceptInviteStatement = (db: D1Database, inviteId: string, now = isoNow()) =>
  db.prepare('UPDATE org_invites SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL').bind(now, inviteId);

export const recordInviteUserStatement = (db: D1Database, inviteId: string, userId: string) =>
  db.prepare('UPDATE org_invites SET accepted_user_id = ? WHERE id = ?').bind(userId, inviteId);

// Security events: an audit row for events a security review needs to find later (ASVS 16.3). Never holds secrets.

export type SecurityEventType = 'refresh_token_reused' | 'user_deactivated' | 'user_role_changed' | 'password_rehashed';

export const securityEventStatement = (
  db: D1Database,
  event: { orgId: string; userId: string | null; type: SecurityEventType; detail?: Record<string, unknown> },
) =>
  db
    .prepare('INSERT INTO security_events (id, org_id, user_id, event_type, detail) VALUES (?, ?, ?, ?, ?)')
    .bind(newId(), event.orgId, event.userId, event.type, event.detail ? JSON.stringify(event.detail) : null);
