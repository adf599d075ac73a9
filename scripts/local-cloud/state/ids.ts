// Identifier formats that look like Cloudflare's and RealtimeKit's.
import { randomBytes, randomUUID } from 'node:crypto';

/** 32 lowercase hex characters (account ids, KV namespace ids, script tags, zone ids). */
export const hex32 = () => randomBytes(16).toString('hex');

/** RFC 4122 v4 UUID (D1 databases, Worker versions, RTK objects). */
export const uuid = () => randomUUID();

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A 40-character API token value, like Cloudflare's. */
export function apiTokenValue(): string {
  const bytes = randomBytes(40);
  let out = '';
  for (const b of bytes) out += TOKEN_ALPHABET[b % TOKEN_ALPHABET.length];
  return out;
}

export const nowIso = () => new Date().toISOString();
