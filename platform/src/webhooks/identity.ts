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
