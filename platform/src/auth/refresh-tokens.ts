import { randomToken, sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import { DAY, isoAfter, SECOND } from '@castio/shared/time';
import {
  claimRefreshToken,
  endSessionStatement,
  endUserSessionsStatement,
  findFamilyOfToken,
  findRefreshToken,
  insertRefreshTokenStatement,
  recordSessionStatement,
  revokeFamilyTokensStatement,
  revokeUserTokensStatement,
} from './queries';

export const REFRESH_TOKEN_TTL_MS = 30 * DAY;
/** A rotated token presented again this soon is a client race (two tabs), not theft. */
export const REUSE_GRACE_MS = 10 * SECOND;

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
    insertRefreshTokenStatement(db, {
      id: newId(),
      orgId: user.orgId,
      userId: user.id,
      familyId,
      parentId: null,
      tokenHash: await sha256Hex(token),
      expiresAt,
      familyExpiresAt: expiresAt,
    }),
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
  const claimed = await claimRefreshToken(db, tokenHash, successorId, now);

  if (claimed) {
    const next = { token: randomToken(32), familyId: claimed.family_id, expiresAt: claimed.family_expires_at };
    await db.batch([
      insertRefreshTokenStatement(db, {
        id: successorId,
        orgId: claimed.org_id,
        userId: claimed.user_id,
        familyId: claimed.family_id,
        parentId: claimed.id,
        tokenHash: await sha256Hex(next.token),
        expiresAt: claimed.family_expires_at,
        familyExpiresAt: claimed.family_expires_at,
      }),
      recordSessionStatement(db, {
        id: claimed.family_id,
        orgId: claimed.org_id,
        userId: claimed.user_id,
        networkHash: null,
      }),
    ]);
    return { outcome: 'rotated', userId: claimed.user_id, orgId: claimed.org_id, next };
  }

  const existing = await findRefreshToken(db, tokenHash);
  if (!existing?.revoked_at || !existing.replaced_by) return { outcome: 'invalid' };
  if (now - Date.parse(existing.revoked_at) <= REUSE_GRACE_MS) return { outcome: 'in_progress' };
  await endSession(db, existing.family_id, now);
  return { outcome: 'reused', userId: existing.user_id, orgId: existing.org_id };
}

/** Ends one session: its refresh tokens and its access tokens stop working at once. */
export const endSession = (db: D1Database, familyId: string, now = Date.now()) =>
  db.batch([revokeFamilyTokensStatement(db, familyId, now), endSessionStatement(db, familyId, now)]);

/** Logout everywhere, deactivation, role change: every session of the user ends, refresh and access tokens alike. */
export const endAllSessionsStatements = (db: D1Database, userId: string, now = Date.now()) => [
  revokeUserTokensStatement(db, userId, now),
  endUserSessionsStatement(db, userId, now),
];

export async function familyOfToken(db: D1Database, token: string): Promise<string | null> {
  const row = await findFamilyOfToken(db, await sha256Hex(token));
  return row?.family_id ?? null;
}
