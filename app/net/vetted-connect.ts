// Opens a TCP connection for a sandboxed extension: the policy decides host:port, the name is
// resolved once, every answer is vetted (address-policy.ts), and the socket goes to exactly a
// vetted address, never through a second look-up a rebinding resolver could answer differently.
import net from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { Decider, Decision } from '../policy/decide.ts';
import { canonicalHost } from '../policy/host-names.ts';
import {
  decideTarget,
  parseLocalGrants,
  vetAddresses,
  type VetCode,
  type VetFailure,
} from './address-policy.ts';

/** One name look-up: every address, in the resolver's order (dns.lookup with all: true). */
export type LookupAll = (hostname: string) => Promise<readonly { address: string }[]>;

export interface VetAndConnectOptions {
  host: string;
  port: number;
  decider: Decider;
  /**
   * Host patterns (net-grant syntax: exact or "*." wildcard) the user granted as local: their
   * names may resolve to loopback, private, link-local, CGNAT or benchmarking addresses.
   */
  grantsAllowLocal?: readonly string[];
  /** The resolver; dns.lookup by default. Tests inject one so no real DNS is asked. */
  lookup?: LookupAll;
  /** The budget for the look-up and the connection together; 10 s by default. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Asks the user about an optional grant (a `prompt` decision), the way the broker asks for
   * net/fetch; without it an optional grant is refused (`needs-consent`): nobody to ask.
   */
  consent?: ConsentHook;
}

/** Settles a `prompt` decision for host:port with the user: allow or deny, with the reason. */
export type ConsentHook = (
  target: { host: string; port: number },
  d: Decision,
) => Promise<Decision>;

export type VetAndConnectResult =
  | {
      ok: true;
      /**
       * Connected, with allowHalfOpen (a tunnel passes each side's end on). It has no 'error'
       * listener once returned: the caller must add one.
       */
      socket: net.Socket;
      /** The vetted address it is connected to (canonical spelling). */
      address: string;
      /** The grant that allowed it, and any local-address grant that applied. */
      reason: string;
    }
  | { ok: false; code: VetCode; reason: string };

const DEFAULT_TIMEOUT_MS = 10_000;
// A name with many addresses is tried in order; after three unreachable ones the host is down,
// and trying more would only let one request hold a proxy slot for longer.
const MAX_ATTEMPTS = 3;

/** The default resolver: one getaddrinfo call through dns.lookup, every address kept. */
export const systemLookup: LookupAll = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

// RFC 6761 §6.3: `localhost` is the loopback interface; answering it ourselves means /etc/hosts
// or a resolver cannot point a `localhost` grant anywhere else.
const LOCALHOST = ['127.0.0.1', '::1'];

/** Decides host:port, resolves the name once, vets every address, connects to a vetted one. */
export async function vetAndConnect(options: VetAndConnectOptions): Promise<VetAndConnectResult> {
  const { port, decider, signal } = options;
  let target = decideTarget(decider, options.host, port);
  if (!target.ok && target.code === 'needs-consent' && options.consent)
    target = await askConsent(options.consent, decider, options.host, port);
  if (!target.ok) return target;
  // The budget starts once the user has answered: the question's time is not the connection's.
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const local = parseLocalGrants(options.grantsAllowLocal ?? []);
  if (!local.ok) return local;
  const { host } = target;

  let resolved: readonly string[];
  if (host.kind !== 'name') resolved = [host.host];
  else if (host.host === 'localhost') resolved = LOCALHOST;
  else {
    const answer = await withDeadline(
      (options.lookup ?? systemLookup)(host.host),
      deadline,
      signal,
      `resolving ${host.host}`,
    );
    if (!answer.ok)
      return answer.code === 'connect-failed' ? { ...answer, code: 'dns-failed' } : answer;
    resolved = answer.value.map((a) => a.address);
  }
  const vetted = vetAddresses({
    host,
    port,
    reason: target.reason,
    decider,
    resolved,
    localGrants: local.patterns,
  });
  if (!vetted.ok) return vetted;

  let last: VetFailure = { ok: false, code: 'connect-failed', reason: 'no address to connect to' };
  for (const a of vetted.addresses.slice(0, MAX_ATTEMPTS)) {
    const socket = net.connect({
      host: a.address,
      port,
      family: a.family,
      lookup: noLookup,
      noDelay: true,
    });
    const r = await withDeadline(
      connected(socket),
      deadline,
      signal,
      `connecting to ${a.address}:${port}`,
    );
    if (r.ok) return { ok: true, socket, address: a.address, reason: vetted.reason };
    socket.destroy();
    last = r;
    if (r.code !== 'connect-failed') break;
  }
  return last;
}

/** One rule for every path (docs/network.md): the user is asked, and the answer decides. */
async function askConsent(
  consent: ConsentHook,
  decider: Decider,
  host: string,
  port: number,
): Promise<ReturnType<typeof decideTarget>> {
  const canonical = canonicalHost(host)!; // decideTarget parsed it before saying needs-consent
  const d = await consent(
    { host: canonical.host, port },
    decider({ kind: 'net', host: canonical.host, port }),
  );
  return d.decision === 'allow'
    ? { ok: true, host: canonical, reason: d.reason }
    : { ok: false, code: 'denied', reason: d.reason };
}

/** A connect option that makes a second look-up impossible (net.connect skips it for an IP). */
const noLookup: net.LookupFunction = (hostname, _options, callback) =>
  callback(
    Object.assign(new Error(`refused a second look-up of ${hostname}`), { code: 'EPERM' }),
    '',
    0,
  );

function connected(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      socket.off('connect', onConnect);
      reject(err);
    };
    const onConnect = () => {
      socket.off('error', onError);
      resolve();
    };
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

/** Awaits `work` until the deadline or the signal; its error becomes a one-line failure. */
async function withDeadline<T>(
  work: Promise<T>,
  deadline: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<{ ok: true; value: T } | VetFailure> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<VetFailure>((resolve) => {
    const left = deadline - Date.now();
    timer = setTimeout(
      () => resolve({ ok: false, code: 'timeout', reason: `${what} took too long` }),
      Math.max(0, left),
    );
    onAbort = () => resolve({ ok: false, code: 'aborted', reason: `${what} was abandoned` });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      work.then(
        (value) => ({ ok: true as const, value }),
        (err: unknown) => ({
          ok: false as const,
          code: 'connect-failed' as const,
          reason: `${what} failed: ${errorCode(err)}`,
        }),
      ),
      stop,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string')
    return err.code;
  return err instanceof Error ? err.message : String(err);
}
