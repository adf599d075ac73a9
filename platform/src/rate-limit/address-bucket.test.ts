import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressBucket, UNKNOWN_ADDRESS_BUCKET } from './address-bucket';

describe('addressBucket', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(addressBucket('203.0.113.9')).toBe('203.0.113.9');
    expect(addressBucket(' 198.18.0.1 ')).toBe('198.18.0.1');
    expect(addressBucket('0.0.0.0')).toBe('0.0.0.0');
    expect(addressBucket('255.255.255.255')).toBe('255.255.255.255');
  });

  it('counts IPv6 by its /64, in RFC 5952 form', () => {
    expect(addressBucket('2001:db8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('2001:0DB8:0000:0001:0000:0000:0000:0001')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('2001:db8:0:1::')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8::/64');
    expect(addressBucket('2001:db8:1:2:3::')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('::1')).toBe('::/64');
    expect(addressBucket('::')).toBe('::/64');
    expect(addressBucket('1:2:3:4:5:6:7:8')).toBe('1:2:3:4::/64');
    expect(addressBucket('0:0:1:0::')).toBe('0:0:1::/64');
    expect(addressBucket('0:1:0:0:5::')).toBe('0:1::/64');
  });

  it('drops a zone id and ignores case', () => {
    expect(addressBucket('FE80::1%eth0')).toBe('fe80::/64');
    expect(addressBucket('fe80::abcd:1%25')).toBe('fe80::/64');
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(addressBucket('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressBucket('::FFFF:cb00:7109')).toBe('203.0.113.9');
    expect(addressBucket('0:0:0:0:0:ffff:203.0.113.9')).toBe('203.0.113.9');
    // Only ::ffff:0:0/96 is mapped; other embedded IPv4 stays IPv6.
    expect(addressBucket('64:ff9b::203.0.113.9')).toBe('64:ff9b::/64');
    expect(addressBucket('::203.0.113.9')).toBe('::/64');
  });

  it('puts anything that is not an IP address into one shared bucket', () => {
    for (const garbage of [
      null,
      undefined,
      '',
      'unknown',
      '203.0.113',
      '203.0.113.256',
      '203.0.113.9.1',
      '1.2.3.-4',
      '2001:db8::1::2',
      '2001:db8:0:1:2:3:4:5:6',
      '2001:db8:0:1:2:3:4',
      '1:2:3:4:5:6:7::8:9',
      '12345::1',
      'g::1',
      ':1::',
      '1:::2',
      '::ffff:1.2.3.999',
      '1.2.3.4::',
    ]) {
      expect(addressBucket(garbage), String(garbage)).toBe(UNKNOWN_ADDRESS_BUCKET);
    }
  });

  const hexGroups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
  const fullForm = (groups: number[]) => groups.map((group) => group.toString(16).padStart(4, '0')).join(':');

  it('gives every spelling of one address the bucket of its full form (property)', () => {
    fc.assert(
      fc.property(hexGroups, fc.nat(8), fc.nat(8), fc.boolean(), (groups, start, length, upper) => {
        // Compress any run of zero groups the text form allows, with any case and any zone id.
        const zeroed = groups.map((group, index) => (index >= start && index < start + length ? 0 : group));
        const hex = zeroed.map((group) => group.toString(16));
        const end = Math.min(8, start + length);
        const compressed =
          length > 0 && start < 8 ? `${hex.slice(0, start).join(':')}::${hex.slice(end).join(':')}` : hex.join(':');
        const spelled = `${upper ? compressed.toUpperCase() : compressed}%zone`;
        expect(isIP(compressed)).toBe(6);
        expect(addressBucket(spelled)).toBe(addressBucket(fullForm(zeroed)));
      }),
    );
  });

  it('puts two IPv6 addresses in one bucket exactly when their first 64 bits match (property)', () => {
    fc.assert(
      fc.property(hexGroups, hexGroups, (a, b) => {
        const sameNetwork = [...a.slice(0, 4), ...b.slice(4)];
        // IPv4-mapped addresses are counted as IPv4 (tested above), not by their /64.
        const ipv4Mapped = (groups: number[]) =>
          groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
        fc.pre(![a, b, sameNetwork].some(ipv4Mapped));
        expect(addressBucket(fullForm(sameNetwork))).toBe(addressBucket(fullForm(a)));
        const differs = a.slice(0, 4).some((group, index) => group !== b[index]);
        expect(addressBucket(fullForm(a)) === addressBucket(fullForm(b))).toBe(!differs);
      }),
    );
  });
});
