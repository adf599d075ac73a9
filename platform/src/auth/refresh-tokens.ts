import { randomToken, sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import { DAY, isoAfter, isoNow, SECOND } from '@castio/shared/time';

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

/** Starts a new family at sign-in. The family's life is absolute: rotation never extends it. */
export async function startRefreshFamily(db: D1Database, user: { id: string; orgId: string }, now = Date.now()) {
  const token = randomToken(32);
  const familyId = newId();
  const expiresAt = isoAfter(REFRESH_TOKEN_TTL_MS, now);
  await db
    .prepare(
      `INSERT INTO refresh_tokens (id, org_id, user_id, family_id, parent_id, token_hash, expires_at, family_expires_at)
       VALUES (?, ?, ?, ?, NULL, ?, ?, ?)`,
    )
    .bind(newId(), user.orgId, user.id, familyId, await sha256Hex(token), expiresAt, expiresAt)
    .run();
  return { token, familyId, expiresAt } satisfies IssuedRefreshToken;
}

export type RotationResult =
  | { outcome: 'rotated'; userId: string; orgId: string; next: IssuedRefreshToken }
  | { outcome: 'in_progress' }
  | { outcome: 'reused'; userId: string; orgId: string }
  | { outcome: 'invalid' };

/**
 * Exchanges a refresh token for its successor. The claim is one conditional UPDATE (atomic in SQLite), so of
 * N concurrent refreshes exactly one wins. A token that was already rotated, presented after the grace
 * period, means it leaked: the whole family is revoked.
 */
export async function rotateRefreshToken(db: D1Database, token: string, now = Date.now()): Promise<RotationResult> {
  const tokenHash = await sha256Hex(token);
  const successorId = newId();
  const claimed = await db
    .prepare(
      `UPDATE refresh_tokens SET revoked_at = ?, replaced_by = ?
       WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ? AND family_expires_at > ?
       RETURNING id, org_id, user_id, family_id, expires_at, family_expires_at, revoked_at, replaced_by`,
    )
    .bind(isoNow(now), successorId, tokenHash, isoNow(now), isoNow(now))
    .first<RefreshTokenRow>();

  if (claimed) {
    const next = { token: randomToken(32), familyId: claimed.family_id, expiresAt: claimed.family_expires_at };
    await db
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
      )
      .run();
    return { outcome: 'rotated', userId: claimed.user_id, orgId: claimed.org_id, next };
  }

  const existing = await db
    .prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?')
    .bind(tokenHash)
    .first<RefreshTokenRow>();
  if (!existing?.revoked_at || !existing.replaced_by) return { outcome: 'invalid' };
  if (now - Date.parse(existing.revoked_at) <= REUSE_GRACE_MS) return { outcome: 'in_progress' };
  await revokeFamily(db, existing.family_id, now);
  return { outcome: 'reused', userId: existing.user_id, orgId: existing.org_id };
}

export const revokeFamily = (db: D1Database, familyId: string, now = Date.now()) =>
  db
    .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL')
    .bind(isoNow(now), familyId)
    .run();

/** Logout everywhere, deactivation, role change: every live token of the user stops working. */
export const revokeAllForUserStatement = (db: D1Database, userId: string, now = Date.now()) =>
  db
    .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
    .bind(isoNow(now), userId);

export async function familyOfToken(db: D1Database, token: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT family_id FROM refresh_tokens WHERE token_hash = ?')
    .bind(await sha256Hex(token))
    .first<{ family_id: string }>();
  return row?.family_id ?? null;
}
