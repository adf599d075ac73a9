import { describe, expect, it } from 'vitest';
import { decryptField, deriveFieldKey, encryptField } from './field-encryption';

describe('field encryption', () => {
  const key = deriveFieldKey('master-secret-for-tests-0123456789');

  it('round-trips and never repeats a ciphertext', () => {
    const first = encryptField(key, 'canary-secret-value', 'org_settings|org1|storage');
    const second = encryptField(key, 'canary-secret-value', 'org_settings|org1|storage');
    expect(first).not.toEqual(second);
    expect(first).not.toContain('canary');
    expect(decryptField(key, first, 'org_settings|org1|storage')).toBe('canary-secret-value');
  });

  it('refuses a value moved to another org, a tampered value, or another key', () => {
    const sealed = encryptField(key, 'secret', 'org_settings|org1|storage');
    expect(() => decryptField(key, sealed, 'org_settings|org2|storage')).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => decryptField(key, tampered, 'org_settings|org1|storage')).toThrow();
    expect(() => decryptField(deriveFieldKey('other'), sealed, 'org_settings|org1|storage')).toThrow();
  });
});
