// Which part of the address space an IP address belongs to (public, loopback, private, cloud
// metadata, …), so the proxy can refuse a name that resolves onto the host's own or local network.
// Pure: no node:* imports, so it can be table-tested and fuzzed in isolation.
import { canonicalHost } from './host-names.ts';

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cloud-metadata'
  | 'carrier-grade-nat'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking';

export interface ClassifiedAddress {
  family: 4 | 6;
  /** The canonical spelling (hosts.ts): dotted IPv4, compressed IPv6; v4-mapped IPv6 as its IPv4. */
  address: string;
  class: AddressClass;
  /** The IPv4 address an IPv6 translation prefix carries, when that decided the class. */
  embedded?: { via: 'nat64' | 'nat64-local' | '6to4' | 'teredo'; address: string };
}

interface V4Range {
  /** Network address as an unsigned 32-bit number. */
  net: number;
  bits: number;
  class: AddressClass;
}

const v4 = (dotted: string, bits: number, cls: AddressClass): V4Range => ({
  net: v4Number(dotted.split('.').map(Number)),
  bits,
  class: cls,
});

// Most specific first: the first match wins. Sources: RFC 6890 and the IANA IPv4 Special-Purpose
// Address Registry; the metadata addresses from each cloud's instance-metadata documentation.
const V4_TABLE: readonly V4Range[] = [
  v4('0.0.0.0', 32, 'unspecified'),
  // AWS, GCP, Azure, OpenStack, DigitalOcean instance metadata; credentials live behind it.
  v4('169.254.169.254', 32, 'cloud-metadata'),
  v4('100.100.100.200', 32, 'cloud-metadata'), // Alibaba Cloud
  v4('192.0.0.192', 32, 'cloud-metadata'), // Oracle Cloud
  // Azure WireServer: a public-looking address that inside Azure answers with host secrets.
  v4('168.63.129.16', 32, 'cloud-metadata'),
  v4('0.0.0.0', 8, 'reserved'), // "this network"; Linux connects 0.x to the local host
  v4('127.0.0.0', 8, 'loopback'),
  v4('10.0.0.0', 8, 'private'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.168.0.0', 16, 'private'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('100.64.0.0', 10, 'carrier-grade-nat'),
  v4('192.0.0.0', 24, 'reserved'), // IETF protocol assignments
  v4('192.0.2.0', 24, 'documentation'),
  v4('198.51.100.0', 24, 'documentation'),
  v4('203.0.113.0', 24, 'documentation'),
  v4('192.88.99.0', 24, 'reserved'), // 6to4 relay anycast, deprecated by RFC 7526
  v4('198.18.0.0', 15, 'benchmarking'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'), // includes 255.255.255.255, the limited broadcast
];

/**
 * Classifies an IP address in any spelling canonicalHost accepts ("127.1", "0x7f.0.0.1",
 * "[::ffff:7f00:1]", "::FFFF:127.0.0.1"); an IPv6 zone ("fe80::1%eth0") is ignored. Null when
 * `raw` is not an IP address (a host name, or nothing valid).
 */
export function classifyAddress(raw: string): ClassifiedAddress | null {
  const zone = raw.indexOf('%');
  const text = zone > 0 && raw.includes(':') ? raw.slice(0, zone) : raw;
  const c = canonicalHost(text);
  if (c === null || c.kind === 'name') return null;
  if (c.kind === 'ipv4') {
    const bytes = c.host.split('.').map(Number);
    return { family: 4, address: c.host, class: classifyV4(v4Number(bytes)) };
  }
  const words = ipv6Words(c.host);
  if (words === null) return null;
  return { family: 6, address: c.host, ...classifyV6(words) };
}

/** True when `raw` is an IP address in the public unicast space. */
export function isPublicAddress(raw: string): boolean {
  return classifyAddress(raw)?.class === 'public';
}

function classifyV4(n: number): AddressClass {
  for (const r of V4_TABLE) {
    if (n >>> (32 - r.bits) === r.net >>> (32 - r.bits)) return r.class;
  }
  return 'public';
}

function v4Number(bytes: readonly number[]): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

function dotted(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The IPv4 address in two 16-bit words. */
function wordsToV4(hi: number, lo: number): number {
  return ((hi << 16) | lo) >>> 0;
}

/**
 * An IPv6 translation prefix carries an IPv4 address that is what the packet finally reaches (or
 * what a relay will reach for us); a non-public embedded address makes the whole address that
 * class, so "64:ff9b::7f00:1" is loopback wherever a NAT64 gateway exists.
 */
function embedded(
  via: 'nat64' | 'nat64-local' | '6to4' | 'teredo',
  n: number,
  otherwise: AddressClass,
): Omit<ClassifiedAddress, 'family' | 'address'> {
  const cls = classifyV4(n);
  return cls === 'public'
    ? { class: otherwise }
    : { class: cls, embedded: { via, address: dotted(n) } };
}

function classifyV6(w: readonly number[]): Omit<ClassifiedAddress, 'family' | 'address'> {
  const zeroUpTo = (k: number) => w.slice(0, k).every((x) => x === 0);
  if (zeroUpTo(8)) return { class: 'unspecified' };
  if (zeroUpTo(7) && w[7] === 1) return { class: 'loopback' };
  // ::ffff:0:0/96 never reaches here (canonicalHost spells it as IPv4); the rest of ::/8 —
  // v4-compatible (deprecated by RFC 4291) and unassigned — is nobody's public host.
  if (w[0]! < 0x100) {
    // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052); 64:ff9b:1::/48 local use (RFC 8215).
    if (w[0] === 0x64 && w[1] === 0xff9b) {
      if (w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0)
        return embedded('nat64', wordsToV4(w[6]!, w[7]!), 'public');
      if (w[2] === 1) return embedded('nat64-local', wordsToV4(w[6]!, w[7]!), 'private');
    }
    return { class: 'reserved' };
  }
  if (w[0] === 0x100 && w[1] === 0 && w[2] === 0 && w[3] === 0) return { class: 'reserved' }; // 100::/64 discard-only (RFC 6666)
  if (w[0] === 0x2001) {
    if (w[1] === 0xdb8) return { class: 'documentation' };
    // Teredo (RFC 4380): the client's IPv4 address, inverted, in the last 32 bits.
    if (w[1] === 0) return embedded('teredo', wordsToV4(w[6]! ^ 0xffff, w[7]! ^ 0xffff), 'public');
    if (w[1] === 2 && w[2] === 0) return { class: 'benchmarking' }; // 2001:2::/48, RFC 5180
    if (w[1]! < 0x200) return { class: 'reserved' }; // rest of 2001::/23, IETF protocol assignments
  }
  // 2002::/16, 6to4 (RFC 3056): the IPv4 address in bits 16–47.
  if (w[0] === 0x2002) return embedded('6to4', wordsToV4(w[1]!, w[2]!), 'public');
  if (w[0] === 0x3fff && w[1]! < 0x1000) return { class: 'documentation' }; // 3fff::/20, RFC 9637
  if (w[0] === 0x5f00) return { class: 'reserved' }; // SRv6 SIDs, RFC 9602
  // AWS instance metadata over IPv6, inside the unique-local range below.
  if (w[0] === 0xfd00 && w[1] === 0xec2 && w.slice(2, 7).every((x) => x === 0) && w[7] === 0x254)
    return { class: 'cloud-metadata' };
  if ((w[0]! & 0xfe00) === 0xfc00) return { class: 'private' }; // fc00::/7 unique local
  if ((w[0]! & 0xffc0) === 0xfe80) return { class: 'link-local' };
  if ((w[0]! & 0xffc0) === 0xfec0) return { class: 'private' }; // site-local, deprecated
  if ((w[0]! & 0xff00) === 0xff00) return { class: 'multicast' };
  // Only 2000::/3 is allocated for global unicast; everything else is unassigned.
  if ((w[0]! & 0xe000) !== 0x2000) return { class: 'reserved' };
  return { class: 'public' };
}

/** Eight 16-bit words from a canonical (compressed, hex-only) IPv6 address, or null. */
function ipv6Words(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const part = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const words = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return words.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? words : null;
}
