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
  const candidate = parsed.userId ?? parsed.raw;
  if (candidate) {
    const user = await db.prepare('SELECT id FROM users WHERE id = ? AND org_id = ?').bind(candidate, orgId).first();
    if (user) return { userId: candidate, guestTokenId: null };
  }
  const guestCandidate = parsed.guestTokenId ?? parsed.raw;
  if (guestCandidate) {
    const guest = await db
      .prepare('SELECT id FROM guest_tokens WHERE id = ? AND org_id = ?')
      .bind(guestCandidate, orgId)
      .first();
    if (guest) return { userId: null, guestTokenId: guestCandidate };
  }
  return { userId: null, guestTokenId: null };
}
