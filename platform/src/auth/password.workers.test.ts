import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { describe, expect, it } from 'vitest';
import { computeArgon2id, hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('matches the @noble/hashes argon2id reference output (known answer)', async () => {
    const salt = new TextEncoder().encode('castio-salt-0001');
    const params = { memorySize: 1024, passes: 2, parallelism: 1, tagLength: 32 };
    const wasm = await computeArgon2id('correct horse', salt, params);
    const reference = nobleArgon2id('correct horse', salt, { m: 1024, t: 2, p: 1, dkLen: 32 });
    expect(Array.from(wasm)).toEqual(Array.from(reference));
  });

  it('stores a PHC string with OWASP parameters and verifies it', async () => {
    const stored = await hashPassword('s3cret passphrase');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('s3cret passphrase', stored)).toEqual({ valid: true, needsRehash: false });
    expect(await verifyPassword('s3cret passphrasE', stored)).toEqual({ valid: false, needsRehash: false });
  });

  it('asks for a rehash when the stored parameters are weaker than today', async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const weak = await computeArgon2id('pw-weak-one', salt, {
      memorySize: 4096,
      passes: 1,
      parallelism: 1,
      tagLength: 32,
    });
    const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, '');
    const stored = `$argon2id$v=19$m=4096,t=1,p=1$${b64(salt)}$${b64(weak)}`;
    expect(await verifyPassword('pw-weak-one', stored)).toEqual({ valid: true, needsRehash: true });
  });

  it('refuses malformed or abusive stored hashes instead of throwing', async () => {
    for (const stored of ['', 'plain', '$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA']) {
      expect((await verifyPassword('x', stored)).valid).toBe(false);
    }
  });
});
