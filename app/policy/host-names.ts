// Host names and IP literals in one canonical spelling, so that a grant and a request compare as
// the network would: case-folded, IDN as punycode (UTS #46 via the WHATWG URL parser), one
// trailing dot dropped, IPv4 in dotted decimal, IPv6 compressed, v4-mapped IPv6 as its IPv4.

export type HostKind = 'name' | 'ipv4' | 'ipv6';

export interface CanonicalHost {
  kind: HostKind;
  /** The canonical spelling: "api.github.com", "127.0.0.1", "::1" (IPv6 without brackets). */
  host: string;
}

/** A net grant's host, parsed: an exact host or IP, or a `*.` wildcard over a suffix. */
export interface HostPattern {
  kind: HostKind;
  /** Canonical host; for a wildcard, the suffix after "*." ("github.com" for "*.github.com"). */
  host: string;
  wildcard: boolean;
}

const FAST_NAME =
  /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const NUMERIC_LABEL = /^(?:\d+|0x[0-9a-f]*)$/;
const DOTTED_IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
// Anything a URL parser would treat as structure, percent-decode, or that no host contains.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it rejects
const NEVER_IN_HOST = /[\s\0-\x1f\x7f/\\?#@%*<>^|"'`{}]/;

/**
 * The canonical form of a host name or IP literal as a request spells it, or null when it is not
 * a host at all. Spellings that reach the same server map to the same string.
 */
export function canonicalHost(raw: string): CanonicalHost | null {
  if (raw.length === 0 || raw.length > 1024) return null;
  // Fast path: already canonical lower-case ASCII (the common case, kept allocation-free).
  if (raw.length <= 253 && FAST_NAME.test(raw) && !raw.includes('xn--')) {
    const last = raw.slice(raw.lastIndexOf('.') + 1);
    if (!NUMERIC_LABEL.test(last)) return { kind: 'name', host: raw };
  }
  return slowCanonicalHost(raw);
}

/** canonicalHost without its fast path (exported so tests can prove both paths agree). */
export function slowCanonicalHost(raw: string): CanonicalHost | null {
  if (NEVER_IN_HOST.test(raw)) return null;
  if (raw.startsWith('[') || raw.includes(':')) return canonicalIpv6(raw);
  if (raw.includes('[') || raw.includes(']')) return null;
  let parsed: string;
  try {
    parsed = new URL(`http://${raw}/`).hostname;
  } catch {
    return null;
  }
  // A trailing dot names the same host (the root); a fullwidth "。" may have become one too.
  if (parsed.endsWith('.')) parsed = parsed.slice(0, -1);
  if (parsed.length === 0 || parsed.length > 253) return null;
  if (parsed.startsWith('[')) return canonicalIpv6(parsed);
  if (DOTTED_IPV4.test(parsed)) return { kind: 'ipv4', host: parsed };
  const labels = parsed.split('.');
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || !/^[a-z0-9_-]+$/.test(label)) return null;
  }
  return { kind: 'name', host: parsed };
}

function canonicalIpv6(raw: string): CanonicalHost | null {
  const inner = raw.startsWith('[') ? (raw.endsWith(']') ? raw.slice(1, -1) : null) : raw;
  if (inner === null || !/^[0-9A-Fa-f:.]+$/.test(inner)) return null;
  let parsed: string;
  try {
    parsed = new URL(`http://[${inner}]/`).hostname;
  } catch {
    return null;
  }
  const address = parsed.slice(1, -1);
  // ::ffff:a.b.c.d is the IPv4 address a.b.c.d on a dual-stack socket: one target, one spelling.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return { kind: 'ipv4', host: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}` };
  }
  return { kind: 'ipv6', host: address };
}

/**
 * Parses a grant's host as written in a manifest, or says what is wrong. Stricter than
 * canonicalHost: IPv4 must be dotted decimal and "*" may only be a whole first label.
 */
export function parseHostPattern(
  raw: string,
): { ok: true; pattern: HostPattern } | { ok: false; message: string; fix: string } {
  if (raw.length === 0)
    return {
      ok: false,
      message: 'the host is empty',
      fix: 'write a host such as "api.example.com"',
    };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw))
    return {
      ok: false,
      message: `"${raw}" is a URL, not a host`,
      fix: `write only the host name, e.g. "${hostOfUrl(raw)}"`,
    };
  const portMatch = /^([^:[\]]+|\[[^\]]*\]):(\d+)$/.exec(raw);
  if (portMatch)
    return {
      ok: false,
      message: `"${raw}" includes a port`,
      fix: `write "host": "${portMatch[1]}" and "ports": [${portMatch[2]}]`,
    };
  if (raw === '*')
    return {
      ok: false,
      message: '"*" would allow every host',
      fix: 'list the hosts the extension needs',
    };
  const wildcard = raw.startsWith('*.');
  const rest = wildcard ? raw.slice(2) : raw;
  if (rest.includes('*'))
    return {
      ok: false,
      message: `"${raw}" has a "*" that is not a whole first label`,
      fix: 'use "*." only at the start, e.g. "*.example.com", or list the exact hosts',
    };
  const canonical = canonicalHost(rest);
  if (canonical === null)
    return {
      ok: false,
      message: `"${raw}" is not a valid host name or IP address`,
      fix: 'write a host such as "api.example.com", "10.0.0.1" or "::1"',
    };
  if (wildcard && canonical.kind !== 'name')
    return {
      ok: false,
      message: `"${raw}" puts a wildcard on an IP address`,
      fix: 'list the IP address itself',
    };
  if (canonical.kind === 'ipv4' && !raw.includes(':') && stripDot(rest) !== canonical.host)
    return {
      ok: false,
      message: `"${raw}" is an unusual spelling of the IPv4 address ${canonical.host}`,
      fix: `write "${canonical.host}"`,
    };
  return { ok: true, pattern: { kind: canonical.kind, host: canonical.host, wildcard } };
}

/** The pattern as the canonical text a manifest or rules file would carry. */
export function formatHostPattern(p: HostPattern): string {
  return p.wildcard ? `*.${p.host}` : p.host;
}

/** True when the canonical host `host` is matched by `pattern` (ports aside). */
export function hostMatches(pattern: HostPattern, host: CanonicalHost): boolean {
  if (!pattern.wildcard) return pattern.kind === host.kind && pattern.host === host.host;
  // Subdomains only: never the apex, never a bare suffix ("evilgithub.com" ≠ "*.github.com").
  return host.kind === 'name' && host.host.endsWith('.' + pattern.host);
}

function stripDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function hostOfUrl(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'api.example.com';
  }
}
