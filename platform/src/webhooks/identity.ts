/**
 * Which of our people an RTK `customParticipantId` names. The join flow sets it to our own id (never PII,
 * rtk.md §1.5); accepted forms: a bare id, or `user:<id>` / `guest:<id>` (also `u_`/`g_` prefixes). Pure.
 */
export function parseCustomParticipantId(value: string | null): {
  userId?: string;
  guestTokenId?: string;
  raw?: string;
} {
  if (!value) return {};
  const match = /^(user|guest|u|g)[:_](.+)$/i.exec(value);
  if (!match) return { raw: value };
  const kind = match[1]!.toLowerCase();
  return kind === 'user' || kind === 'u' ? { userId: match[2]! } : { guestTokenId: match[2]! };
}

/** Looks the id up in the org: a user account, a guest token, or nobody we know (treated as a guest). */
export async function resolveParticipantIdentity(db: D1Database, orgId: string, customParticipantId: string | null) {
  const parsed = parseCustomParticipantId(customParticipantId);
  const userCandidate = parsed.userId ?? parsed.raw ?? null;
  const guestCandidate = parsed.guestTokenId ?? parsed.raw ?? null;
  if (!userCandidate && !guestCandidate) return { userId: null, guestTokenId: null };
  const row = await db
    .prepare(
      `SELECT (SELECT id FROM users WHERE id = ?1 AND org_id = ?3) AS user_id,
              (SELECT id FROM guest_tokens WHERE id = ?2 AND org_id = ?3) AS guest_id`,
    )
    .bind(userCandidate, guestCandidate, orgId)
    .first<{ user_id: string | null; guest_id: string | null }>();
  if (row?.user_id) return { userId: row.user_id, guestTokenId: null };
  return { userId: null, guestTokenId: row?.guest_id ?? null };
}
