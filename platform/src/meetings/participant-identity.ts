/**
 * The RTK `customParticipantId` of our people: the join flow sets it to our own id (never PII, docs/rtk.md#participants),
 * `user:<id>` or `guest:<guest token id>`, and webhooks, the room list and the chat copy read it back. Pure.
 */

/** Whom a participant is: a signed-in user, a guest (by guest token), or an id in no form we know. */
export interface ParticipantIdentity {
  userId?: string;
  guestTokenId?: string;
  raw?: string;
}

/** The id a join gives RTK: the user's when there is one, else the guest token's. */
export const toCustomParticipantId = (holder: { userId: string | null; guestTokenId: string | null }): string =>
  holder.userId ? `user:${holder.userId}` : `guest:${holder.guestTokenId}`;

/** Accepted forms: `user:<id>` / `guest:<id>` (also `u_`/`g_` prefixes), or a bare id (`raw`). */
export function parseCustomParticipantId(value: string | null): ParticipantIdentity {
  if (!value) return {};
  const match = /^(user|guest|u|g)[:_](.+)$/i.exec(value);
  if (!match) return { raw: value };
  const kind = match[1]!.toLowerCase();
  return kind === 'user' || kind === 'u' ? { userId: match[2]! } : { guestTokenId: match[2]! };
}
