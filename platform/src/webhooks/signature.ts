import { base64Decode } from '@castio/shared/encoding';

/**
 * RealtimeKit webhook authenticity (docs/rtk.md#webhook-signatures, docs/architecture.md#webhook-ingest): an RSASSA-PKCS1-v1_5 / SHA-256 signature,
 * base64 in `rtk-signature`, over the raw request bytes. No shared secret, no timestamp: replay safety comes
 * from deduplication and idempotent handlers, never from this check.
 */
const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Imports an SPKI public key in PEM form (`-----BEGIN PUBLIC KEY-----`). Throws on anything else. */
export async function importRtkPublicKey(pem: string): Promise<CryptoKey> {
  const match = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem);
  if (!match) throw new Error('The webhook public key is not an SPKI PEM.');
  const der = base64Decode(match[1]!.replace(/\s+/g, ''));
  return crypto.subtle.importKey('spki', der, ALGORITHM, false, ['verify']);
}

/** Whether `signature` (base64) is a valid signature of exactly `rawBody`. Malformed input is simply invalid. */
export async function verifySignature(key: CryptoKey, signature: string | undefined, rawBody: ArrayBuffer) {
  if (!signature || signature.length > 2048 || !/^[A-Za-z0-9+/=_-]+$/.test(signature.trim())) return false;
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(signature.trim().replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return false;
  }
  try {
    return await crypto.subtle.verify(ALGORITHM, key, bytes, rawBody);
  } catch {
    return false;
  }
}
