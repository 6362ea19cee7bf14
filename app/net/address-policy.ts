// Whether a granted host:port may be reached at the addresses its name resolved to: public
// addresses yes; local ones (loopback, private, link-local, …) only where the user granted them,
// so a granted name that re-points at 127.0.0.1 or 169.254.169.254 (DNS rebinding) reaches nothing.
// Pure: no node:* imports; the resolver's answer comes in as data.
import type { Decider } from '../policy/decide.ts';
import {
  canonicalHost,
  hostMatches,
  parseHostPattern,
  type CanonicalHost,
  type HostPattern,
} from '../policy/host-names.ts';
import {
  classifyAddress,
  type AddressClass,
  type ClassifiedAddress,
} from '../policy/address-class.ts';

export type VetCode =
  | 'denied'
  | 'needs-consent'
  | 'bad-target'
  | 'bad-grant'
  | 'not-public'
  | 'no-address'
  | 'dns-failed'
  | 'connect-failed'
  | 'timeout'
  | 'aborted';

export type VetFailure = { ok: false; code: VetCode; reason: string };

/**
 * The address classes a host granted as local may resolve to. Cloud metadata, unspecified,
 * multicast, documentation and reserved addresses are never reached through a name: no real
 * service a user means lives there, and the metadata service hands out the machine's credentials.
 */
export const LOCAL_CLASSES: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'loopback',
  'private',
  'link-local',
  'carrier-grade-nat',
  'benchmarking',
]);

/** What the policy says about host:port, as a first step: allow, or why not. */
export function decideTarget(
  decider: Decider,
  host: string,
  port: number,
): { ok: true; host: CanonicalHost; reason: string } | VetFailure {
  const canonical = canonicalHost(host);
  if (canonical === null)
    return { ok: false, code: 'bad-target', reason: `${JSON.stringify(host)} is not a host` };
  const d = decider({ kind: 'net', host: canonical.host, port });
  if (d.decision === 'allow') return { ok: true, host: canonical, reason: d.reason };
  if (d.decision === 'prompt')
    return {
      ok: false,
      code: 'needs-consent',
      reason: `${d.reason} needs the user's consent first (permissions/request)`,
    };
  return { ok: false, code: 'denied', reason: d.reason };
}

/** Parses the host patterns granted as local ("api.corp.example", "*.corp.example"). */
export function parseLocalGrants(
  list: readonly string[],
): { ok: true; patterns: HostPattern[] } | VetFailure {
  const patterns: HostPattern[] = [];
  for (const raw of list) {
    const p = parseHostPattern(raw);
    if (!p.ok)
      return { ok: false, code: 'bad-grant', reason: `local grant ${p.message}; ${p.fix}` };
    patterns.push(p.pattern);
  }
  return { ok: true, patterns };
}

export interface VetAddressesInput {
  /** The host as the policy allowed it (canonical). */
  host: CanonicalHost;
  port: number;
  /** The policy's allow reason for host:port ("grant net[0]"). */
  reason: string;
  decider: Decider;
  /** Every address the one look-up answered (or the IP literal itself). */
  resolved: readonly string[];
  localGrants: readonly HostPattern[];
}

/**
 * Vets every resolved address; one that is not allowed refuses the whole name, because a
 * public-plus-private answer is how a rebinding attack hedges its bets. An address is allowed
 * when it is public; when it is itself granted at this port (an IP-literal grant); when the host
 * is `localhost`, explicitly granted, and it is loopback; or when the host matches a local grant
 * and it is in LOCAL_CLASSES.
 */
export function vetAddresses(
  input: VetAddressesInput,
): { ok: true; addresses: ClassifiedAddress[]; reason: string } | VetFailure {
  const { host } = input;
  if (input.resolved.length === 0)
    return { ok: false, code: 'no-address', reason: `${host.host} has no address` };
  const addresses: ClassifiedAddress[] = [];
  const notes: string[] = [];
  for (const raw of input.resolved) {
    const a = classifyAddress(raw);
    if (a === null)
      return {
        ok: false,
        code: 'dns-failed',
        reason: `${host.host} resolved to ${JSON.stringify(raw)}, not an IP address`,
      };
    addresses.push(a);
    if (a.class === 'public') continue;
    const why = localAllowance(input, a);
    if (why === null)
      return {
        ok: false,
        code: 'not-public',
        reason:
          host.kind === 'name'
            ? `${host.host} resolved to ${a.address} (${a.class}), which no grant allows`
            : `${a.address} is a ${a.class} address`,
      };
    if (!notes.includes(why)) notes.push(why);
  }
  const reason = notes.length === 0 ? input.reason : `${input.reason}; ${notes.join('; ')}`;
  return { ok: true, addresses, reason };
}

function localAllowance(input: VetAddressesInput, a: ClassifiedAddress): string | null {
  const { host, port, decider } = input;
  if (host.kind !== 'name') return host.host === a.address ? `${a.class} address granted` : null;
  if (decider({ kind: 'net', host: a.address, port }).decision === 'allow')
    return `${a.address} (${a.class}) granted as an address`;
  if (host.host === 'localhost' && a.class === 'loopback') return 'localhost granted';
  if (LOCAL_CLASSES.has(a.class) && input.localGrants.some((p) => hostMatches(p, host)))
    return `${host.host} granted local → ${a.address} (${a.class})`;
  return null;
}
