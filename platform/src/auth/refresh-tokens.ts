import { randomToken, sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import { DAY, isoAfter, isoNow, SECOND } from '@castio/shared/time';
import { endSessionStatement, endUserSessionsStatement, recordSessionStatement } from './queries';

export const REFRESH_TOKEN_TTL_MS = 30 * DAY;
/** A rotated token presented again this soon is a client race (two tabs), not theft. */
export const REUSE_GRACE_MS = 10 * SECOND;

interface RefreshTokenRow {
  id: string;
  org_id: string;
  user_id: string;
  family_id: string;
  expires_at: string;
  family_expires_at: string;
  revoked_at: string | null;
  replaced_by: string | null;
}

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: string;
}

/**
 * Starts a new family at sign-in, with the session it is (same id). The family's life is absolute: rotation
 * never extends it.
 */
export async function startRefreshFamily(
  db: D1Database,
  user: { id: string; orgId: string },
  networkHash: string | null,
  now = Date.now(),
) {
  const token = randomToken(32);
  const familyId = newId();
  const expiresAt = isoAfter(REFRESH_TOKEN_TTL_MS, now);
  await db.batch([
    recordSessionStatement(db, { id: familyId, orgId: user.orgId, userId: user.id, networkHash }),
    db
      .prepare(
        `INSERT INTO refresh_tokens (id, org_id, user_id, family_id, parent_id, token_hash, expires_at, family_expires_at)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?)`,
      )
      .bind(newId(), user.orgId, user.id, familyId, await sha256Hex(token), expiresAt, expiresAt),
  ]);
  return { token, familyId, expiresAt } satisfies IssuedRefreshToken;
}

export type RotationResult =
  | { outcome: 'rotated'; userId: string; orgId: string; next: IssuedRefreshToken }
  | { outcome: 'in_progress' }
  | { outcome: 'reused'; userId: string; orgId: string }
  | { outcome: 'invalid' };

/**
 * Exchanges a refresh token for its successor. The claim is one conditional UPDATE (atomic in SQLite), so of
 * N concurrent refreshes exactly one wins, and none wins once the session has ended (also when the successor
 * of a claim that raced the ending was inserted after it). A token that was already rotated, presented after
 * the grace period, means it leaked: the whole session is ended.
 */
export async function rotateRefreshToken(db: D1Database, token: string, now = Date.now()): Promise<RotationResult> {
  const tokenHash = await sha256Hex(token);
  const successorId = newId();
  const claimed = await db
    .prepare(
      `UPDATE refresh_tokens SET revoked_at = ?, replaced_by = ?
       WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ? AND family_expires_at > ?
         AND NOT EXISTS (SELECT 1 FROM auth_sessions s WHERE s.id = refresh_tokens.family_id AND s.ended_at IS NOT NULL)
       RETURNING id, org_id, user_id, family_id, expires_at, family_expires_at, revoked_at, replaced_by`,
    )
    .bind(isoNow(now), successorId, tokenHash, isoNow(now), isoNow(now))
    .first<RefreshTokenRow>();

  if (claimed) {
    const next = { token: randomToken(32), familyId: claimed.family_id, expiresAt: claimed.family_expires_at };
    await db.batch([
      db
        .prepare(
          `INSERT INTO refresh_tokens (id, org_id, user_id, family_id, parent_id, token_hash, expires_at, family_expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          successorId,
          claimed.org_id,
          claimed.user_id,
          claimed.family_id,
          claimed.id,
          await sha256Hex(next.token),
          claimed.family_expires_at,
          claimed.family_expires_at,
        ),
      recordSessionStatement(db, {
        id: claimed.family_id,
        orgId: claimed.org_id,
        userId: claimed.user_id,
        networkHash: null,
      }),
    ]);
    return { outcome: 'rotated', userId: claimed.user_id, orgId: claimed.org_id, next };
  }

  const existing = await db
    .prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?')
    .bind(tokenHash)
    .first<RefreshTokenRow>();
  if (!existing?.revoked_at || !existing.replaced_by) return { outcome: 'invalid' };
  if (now - Date.parse(existing.revoked_at) <= REUSE_GRACE_MS) return { outcome: 'in_progress' };
  await endSession(db, existing.family_id, now);
  return { outcome: 'reused', userId: existing.user_id, orgId: existing.org_id };
}

/** Ends one session: its refresh tokens and its access tokens stop working at once. */
export const endSession = (db: D1Database, familyId: string, now = Date.now()) =>
  db.batch([
    db
      .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL')
      .bind(isoNow(now), familyId),
    endSessionStatement(db, familyId, now),
  ]);

/** Logout everywhere, deactivation, role change: every session of the user ends, refresh and access tokens alike. */
export const endAllSessionsStatements = (db: D1Database, userId: string, now = Date.now()) => [
  db
    .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
    .bind(isoNow(now), userId),
  endUserSessionsStatement(db, userId, now),
];

export async function familyOfToken(db: D1Database, token: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT family_id FROM refresh_tokens WHERE token_hash = ?')
    .bind(await sha256Hex(token))
    .first<{ family_id: string }>();
  return row?.family_id ?? null;
}
