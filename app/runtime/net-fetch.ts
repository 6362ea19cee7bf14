// net/fetch for the broker: the host makes the HTTP request for the extension, after the policy
// allowed host:port. The name is resolved once, every address it yields must be public (no DNS
// rebinding onto loopback, private or metadata addresses), and the connection goes to exactly the
// address that was checked. Redirects are returned, never followed: each hop is a new decision.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isUtf8 } from 'node:buffer';
import { isIP, type LookupFunction } from 'node:net';
import { classifyAddress } from '../policy/address-class.ts';
import { vetAddresses } from '../net/address-policy.ts';
import { canonicalHost } from '../policy/host-names.ts';
import type { FetchTarget } from './broker.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { NetFetchParams, NetFetchResult } from '../protocol/methods.ts';
import type { NetFetcher } from './broker.ts';
import { RpcFailure } from './rpc-peer.ts';

/** The largest response body returned to an extension (the frame limit must carry it as base64). */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface NetFetcherOptions {
  /**
   * Names answered without DNS, like curl's --resolve: for `corral dev` mock endpoints and tests.
   * A value is an address ("127.0.0.1", "::1") or an address and port ("127.0.0.1:8443",
   * "[::1]:8443"), the port then replacing the URL's like curl's --connect-to; the policy still
   * decides on the URL's host and port. An address given here is trusted even when local, because
   * the user (not the network) chose it.
   */
  resolve?: Record<string, string>;
  /** Extra certificate authorities to trust (PEM), e.g. a local test server's. */
  ca?: string[];
  timeoutMs?: number;
  lookup?: typeof dnsLookup;
}

type VettedCallback = (
  err: Error | null,
  address?: string | LookupAddress[],
  family?: number,
) => void;

interface Pin {
  address: string;
  family: 4 | 6;
  port?: number;
}

export function createNetFetcher(options: NetFetcherOptions = {}): NetFetcher {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const resolveOnce = options.lookup ?? dnsLookup;
  const pins = new Map<string, Pin>();
  for (const [name, value] of Object.entries(options.resolve ?? {}))
    pins.set(name, parsePin(value));
  return {
    fetch(params: NetFetchParams, target: FetchTarget): Promise<NetFetchResult> {
      const url = new URL(params.url);
      const pin = pins.get(target.host);
      const vetted = ((hostname: string, opts: { all?: boolean }, callback: VettedCallback) => {
        // With autoSelectFamily (Node 20's default) net asks for every address at once.
        const answer = (address: string, family: number) =>
          opts.all ? callback(null, [{ address, family }]) : callback(null, address, family);
        if (pin) return answer(pin.address, pin.family);
        const vet = (resolved: string[]) => {
          // The proxy's rules exactly (app/net/address-policy.ts): public addresses, an IP literal
          // granted as such, an explicitly granted localhost; one bad address refuses the name.
          const canonical = canonicalHost(target.host);
          const verdict = canonical
            ? vetAddresses({
                host: canonical,
                port: target.port,
                reason: '',
                decider: target.decider,
                resolved,
                localGrants: [],
              })
            : ({ ok: false, reason: `${target.host} is not a host` } as const);
          if (!verdict.ok)
            return callback(Object.assign(new Error(verdict.reason), { code: 'ECORRALVET' }));
          const first = verdict.addresses[0]!;
          answer(first.address, first.family);
        };
        if (classifyAddress(hostname)) return vet([hostname]);
        if (hostname === 'localhost') return vet(['127.0.0.1']); // answered without DNS, as the proxy does
        resolveOnce(hostname, { all: true }, (err, addresses: LookupAddress[]) => {
          if (err) return callback(err);
          vet(addresses.map((a) => a.address));
        });
      }) as unknown as LookupFunction;
      const body =
        params.body === undefined
          ? undefined
          : typeof params.body === 'string'
            ? Buffer.from(params.body, 'utf8')
            : Buffer.from(params.body.base64, 'base64');
      const transport = url.protocol === 'https:' ? https : http;
      return new Promise<NetFetchResult>((resolve, reject) => {
        const req = transport.request(
          url,
          {
            method: params.method ?? 'GET',
            // A pinned port moves the connection, not the request: Host still names the URL's.
            ...(pin?.port ? { port: pin.port } : {}),
            headers: {
              ...(pin?.port ? { host: url.host } : {}),
              ...params.headers,
              ...(body ? { 'content-length': String(body.length) } : {}),
            },
            lookup: vetted,
            agent: false, // no pooled socket: every request is vetted afresh
            timeout: timeoutMs,
            ...(options.ca ? { ca: options.ca } : {}),
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_RESPONSE_BYTES) {
                req.destroy();
                reject(
                  new RpcFailure(
                    ErrorCode.LimitExceeded,
                    `the response from ${target.host} is larger than ${MAX_RESPONSE_BYTES} bytes`,
                  ),
                );
                return;
              }
              chunks.push(chunk);
            });
            res.on('error', (e) => reject(failure(e, target.host)));
            res.on('end', () => {
              const data = Buffer.concat(chunks);
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(res.headers)) {
                if (value !== undefined)
                  headers[name] = Array.isArray(value) ? value.join(', ') : value;
              }
              resolve({
                status: res.statusCode ?? 502,
                headers,
                body: isUtf8(data) ? data.toString('utf8') : { base64: data.toString('base64') },
              });
            });
          },
        );
        req.on('timeout', () =>
          req.destroy(
            Object.assign(new Error(`no answer from ${target.host} in ${timeoutMs} ms`), {
              code: 'ETIMEDOUT',
            }),
          ),
        );
        req.on('error', (e) => reject(failure(e, target.host)));
        req.end(body);
      });
    },
  };
}

/** "ADDRESS", "ADDRESS:PORT" or "[IPv6]:PORT"; anything else is the caller's mistake. */
function parsePin(value: string): Pin {
  const withPort = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:]+):(\d{1,5})$/.exec(value);
  const address = withPort ? withPort[1]! : value;
  const port = withPort ? Number(withPort[2]) : undefined;
  const family = isIP(address);
  if (family === 0 || (port !== undefined && (port < 1 || port > 65535)))
    throw new Error(`resolve: "${value}" is not an address or address:port (e.g. 127.0.0.1:8443)`);
  return { address, family: family as 4 | 6, ...(port === undefined ? {} : { port }) };
}

/** The error the extension gets; the original stays attached as its cause for the host's log. */
function failure(e: Error & { code?: string }, host: string): RpcFailure {
  const f =
    e.code === 'ECORRALVET'
      ? new RpcFailure(ErrorCode.PermissionDenied, `permission denied: ${e.message}`)
      : e.code === 'ETIMEDOUT'
        ? new RpcFailure(ErrorCode.LimitExceeded, e.message)
        : e.code === 'ENOTFOUND'
          ? new RpcFailure(ErrorCode.NotFound, `${host} was not found`)
          : new RpcFailure(
              ErrorCode.InternalError,
              `fetch from ${host} failed: ${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`,
            );
  return Object.assign(f, { cause: e });
}
