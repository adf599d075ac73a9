import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Decode, base64UrlEncode } from '../encoding';

/**
 * Secrets at rest (docs/architecture.md#secrets-at-rest): AES-256-GCM, a fresh 96-bit nonce per value, and associated data
 * naming where the value lives, so a ciphertext copied to another row or org fails to decrypt.
 * Format: `v1.<nonce>.<ciphertext+tag>` in base64url.
 */
const VERSION = 'v1';

export function deriveFieldKey(masterSecret: string): Uint8Array {
  return hkdf(
    sha256,
    new TextEncoder().encode(masterSecret),
    undefined,
    new TextEncoder().encode('castio field encryption v1'),
    32,
  );
}

export function encryptField(key: Uint8Array, plaintext: string, location: string): string {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const sealed = gcm(key, nonce, aad(location)).encrypt(new TextEncoder().encode(plaintext));
  return `${VERSION}.${base64UrlEncode(nonce)}.${base64UrlEncode(sealed)}`;
}

/** Throws when the value was tampered with, moved, or sealed under another key. */
export function decryptField(key: Uint8Array, sealed: string, location: string): string {
  const [version, nonce, body] = sealed.split('.');
  if (version !== VERSION || !nonce || !body) throw new Error('Unsupported encrypted field format.');
  const opened = gcm(key, fromBase64Url(nonce), aad(location)).decrypt(fromBase64Url(body));
  return new TextDecoder().decode(opened);
}

const aad = (location: string) => new TextEncoder().encode(`${location}|${VERSION}`);
const fromBase64Url = (text: string) => base64Decode(text.replace(/-/g, '+').replace(/_/g, '/'));
