/**
 * The unit every per-address limit counts. An IPv4 address is one subscriber (or one NAT); an IPv6
 * subscriber is routinely given a whole /64 and can send from any of its 2^64 addresses, so counting IPv6
 * per address would let one network walk through every limit. IPv6 is therefore counted by its first 64
 * bits; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is the IPv4 address it carries.
 *
 * Anything that is not an IP address (a missing header, e.g. a request that did not come through Cloudflare)
 * lands in one shared bucket, so it is limited together rather than not at all.
 */
export const UNKNOWN_ADDRESS_BUCKET = 'unknown';

/** Normalises a client address to its bucket: `a.b.c.d` for IPv4, `<first 64 bits, RFC 5952>::/64` for IPv6. */
export function addressBucket(address: string | null | undefined): string {
  const text = address?.trim().toLowerCase() ?? '';
  if (!text.includes(':')) {
    const octets = parseIpv4(text);
    return octets ? octets.join('.') : UNKNOWN_ADDRESS_BUCKET;
  }
  const groups = parseIpv6(text.replace(/%.*$/, '')); // a zone id (`fe80::1%eth0`) names a local interface only
  if (!groups) return UNKNOWN_ADDRESS_BUCKET;
  if (isIpv4Mapped(groups)) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${formatIpv6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return null;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : null;
}

/** Eight 16-bit groups, or null. Accepts one `::`, 1–4 hex digits per group and a dotted IPv4 tail. */
function parseIpv6(text: string): number[] | null {
  let hexText = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const tail = parseIpv4(text.slice(lastColon + 1));
    if (!tail) return null;
    const high = ((tail[0]! << 8) | tail[1]!).toString(16);
    const low = ((tail[2]! << 8) | tail[3]!).toString(16);
    hexText = `${text.slice(0, lastColon + 1)}${high}:${low}`;
  }
  const halves = hexText.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (![...head, ...tail].every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  const missing = 8 - head.length - tail.length;
  // Without `::` all eight groups must be there; `::` stands for at least one zero group.
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((group) =>
    Number.parseInt(group, 16),
  );
}

const isIpv4Mapped = (groups: number[]) => groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;

/** RFC 5952 text form: lower-case hex without leading zeros, the longest run (first on a tie) of 2+ zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let runStart = -1;
  let runLength = 1;
  for (let start = 0; start < groups.length; ) {
    let end = start;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - start > runLength) [runStart, runLength] = [start, end - start];
    start = end + 1;
  }
  const hex = groups.map((group) => group.toString(16));
  if (runStart < 0) return hex.join(':');
  return `${hex.slice(0, runStart).join(':')}::${hex.slice(runStart + runLength).join(':')}`;
}
