// The HTTP proxy sandboxed tools reach through HTTP_PROXY/HTTPS_PROXY: CONNECT tunnels for TLS
// (checked to carry a ClientHello for the granted name, then spliced unread) and absolute-form
// http:// requests, each target decided by the policy and vetted after resolution
// (vetted-connect.ts), every attempt audited. Bad input gets an HTTP error and a closed socket;
// it never throws, and per-connection timers and a connection cap keep one client from stalling
// the others.
import { logEntry } from '../platform/log.ts';
import net from 'node:net';
import { chmod } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { AuditEventInput } from '../audit-event/event.ts';
import type { Decider } from '../policy/decide.ts';
import { classifyAddress } from '../policy/address-class.ts';
import { parseLocalGrants, type VetCode } from './address-policy.ts';
import { ChunkedBodyScanner } from './chunked-body.ts';
import {
  RequestHeadScanner,
  errorResponse,
  formatAuthority,
  interpretRequest,
  parseRequestHead,
  upstreamHead,
  type Authority,
  type ProxyRequest,
} from './http-request.ts';
import { judgeFirstFlight } from './tunnel-check.ts';
import { vetAndConnect, type ConsentHook, type LookupAll } from './vetted-connect.ts';

export interface ProxyLimits {
  /** Client connections served at once; one more gets 503 and is closed. */
  maxConnections: number;
  /** A tunnel or forwarded request with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** The largest request head (request line and fields); beyond it, 414 or 431. */
  headerBytes: number;
  /** Time for the whole request head, and for a tunnel's TLS ClientHello, to arrive (slowloris). */
  headerTimeoutMs: number;
  /** Time to resolve and connect to the target. */
  connectTimeoutMs: number;
}

export const DEFAULT_PROXY_LIMITS: Readonly<ProxyLimits> = Object.freeze({
  maxConnections: 64,
  idleTimeoutMs: 120_000,
  headerBytes: 32 * 1024,
  headerTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
});

export type ProxyListen =
  | { path: string }
  | { host: '127.0.0.1' | '::1'; port: number }
  // A listening socket made elsewhere: the sandbox helper's 127.0.0.1:PORT in the sandbox's own
  // network namespace (app/runtime/sandbox-proxy.ts).
  | { fd: number };

export interface ProxyOptions {
  /** A unix socket path, a loopback TCP port, or a listening socket handed over. */
  listen: ProxyListen;
  decider: Decider;
  /** The extension every audit event is attributed to. */
  ext: string;
  onAudit: (event: AuditEventInput) => void;
  limits?: Partial<ProxyLimits>;
  /** Host patterns the user granted as local (see vetted-connect.ts and docs/network.md). */
  grantsAllowLocal?: readonly string[];
  /** The resolver; dns.lookup by default. */
  lookup?: LookupAll;
  /** Asks the user about an optional grant; without it one is refused (403, needs consent). */
  consent?: ConsentHook;
  /** Internal failures (an audit sink that throws, a listener error), for the host's log. */
  onError?: (error: unknown, context: string) => void;
}

export interface RunningProxy {
  /** Where it listens: the socket path, or the loopback host and the port it got. */
  address: { path: string } | { host: string; port: number };
  /** Client connections open now. */
  connections(): number;
  /** Stops listening and closes every connection, tunnels included. */
  close(): Promise<void>;
}

// After a refusal the response is written and the socket half-closed; reading on for a moment
// lets the client receive it instead of a reset (unread bytes make the kernel send RST).
const LINGER_MS = 1000;
// What a client may still send after its request (a pipelined one we will not serve) before the
// connection is cut instead of drained.
const MAX_DISCARD = 1 << 20;
// The longest a tunnel's first flight may be before the ClientHello is judged (16 full records).
const MAX_PEEK = 16 * ((1 << 14) + 5);

type Phase = 'head' | 'vetting' | 'hello' | 'done';

/** The refusal a client that leaves early is audited with, by where it left; null: none. */
const LEFT_DURING: Record<Phase, string | null> = {
  head: 'the client closed before sending a complete request',
  vetting: 'the client left before the target was connected',
  hello: 'the client closed the tunnel before sending a TLS ClientHello',
  done: null,
};

const STATUS_FOR: Record<VetCode, number> = {
  denied: 403,
  'needs-consent': 403,
  'bad-target': 400,
  'bad-grant': 403,
  'not-public': 403,
  'no-address': 502,
  'dns-failed': 502,
  'connect-failed': 502,
  timeout: 504,
  aborted: 502,
};

/** Starts the proxy; resolves once it listens. Throws (one line) only for bad options. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const limits = { ...DEFAULT_PROXY_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits))
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`proxy limit ${name} is ${String(value)}; give a positive integer`);
  const local = parseLocalGrants(options.grantsAllowLocal ?? []);
  if (!local.ok) throw new Error(`proxy: ${local.reason}`);
  const listen = options.listen;
  if ('host' in listen && listen.host !== '127.0.0.1' && listen.host !== '::1')
    throw new Error(`proxy: listen host ${String(listen.host)} is not loopback; use 127.0.0.1`);

  const onError =
    options.onError ??
    ((error: unknown, context: string) =>
      logEntry({ level: 'error', component: 'net-proxy', context, error }));
  const sockets = new Set<net.Socket>();
  let active = 0;
  let self: { host: string; port: number } | null = null;

  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (active >= limits.maxConnections) {
      audit({
        layer: 'host',
        op: 'connect',
        target: '(none)',
        outcome: 'limit',
        reason: `too many connections (${limits.maxConnections} at most)`,
      });
      // Refused sockets linger a moment to deliver the 503; a flood of them is just cut off.
      if (sockets.size > 2 * limits.maxConnections) client.destroy();
      else refuse(client, 503, `too many connections (${limits.maxConnections} at most)`);
      return;
    }
    active++;
    client.once('close', () => active--);
    try {
      new Connection(client, {
        ...options,
        limits,
        self,
        audit,
        track: (s) => {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
        },
        onError,
      }).start();
    } catch (err) {
      onError(err, 'connection');
      client.destroy();
    }
  });

  function audit(e: Omit<AuditEventInput, 'ext' | 'kind'>): boolean {
    try {
      options.onAudit({ ext: options.ext, kind: 'net', ...e });
      return true;
    } catch (err) {
      onError(err, 'audit');
      return false;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where =
        'path' in listen
          ? listen.path
          : 'fd' in listen
            ? `descriptor ${listen.fd}`
            : `${listen.host}:${listen.port}`;
      reject(new Error(`proxy: cannot listen on ${where}: ${err.code ?? err.message}`));
    });
    const ready = () => {
      server.removeAllListeners('error');
      server.on('error', (err) => onError(err, 'listener'));
      resolve();
    };
    if ('path' in listen) server.listen(listen.path, ready);
    else if ('fd' in listen) server.listen({ fd: listen.fd }, ready);
    else server.listen(listen.port, listen.host, ready);
  });
  let address: RunningProxy['address'];
  if ('path' in listen) {
    // Only this user may use the extension's way out (its grants, its name in the audit log).
    await chmod(listen.path, 0o600).catch((err: NodeJS.ErrnoException) => {
      server.close();
      throw new Error(`proxy: cannot restrict ${listen.path} to this user: ${err.code}`);
    });
    address = { path: listen.path };
  } else {
    const a = server.address() as net.AddressInfo;
    // A handed-over socket listens in another network namespace: nothing the proxy connects to
    // from here can be itself.
    if (!('fd' in listen)) self = { host: a.address, port: a.port };
    address = { host: a.address, port: a.port };
  }

  return {
    address,
    connections: () => active,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

interface ConnectionContext extends ProxyOptions {
  limits: ProxyLimits;
  self: { host: string; port: number } | null;
  audit: (e: Omit<AuditEventInput, 'ext' | 'kind'>) => boolean;
  track: (s: net.Socket) => void;
  onError: (error: unknown, context: string) => void;
}

/** One client connection: read one request head, then tunnel or forward, or refuse. */
class Connection {
  private readonly head: Buffer;
  private received = 0;
  private extra: Buffer[] = [];
  private readonly scanner: RequestHeadScanner;
  private timer: NodeJS.Timeout | null = null;
  private upstream: net.Socket | null = null;
  private readonly abort = new AbortController();
  /** Where the connection is; a close before 'done' is audited as a refusal of that step. */
  private phase: Phase = 'head';
  private request: ProxyRequest | null = null;
  private requestAt = 0;

  constructor(
    private readonly client: net.Socket,
    private readonly ctx: ConnectionContext,
  ) {
    // One byte more than allowed, so the scanner itself sees the head is too long.
    this.head = Buffer.allocUnsafe(ctx.limits.headerBytes + 1);
    this.scanner = new RequestHeadScanner(ctx.limits.headerBytes);
  }

  start(): void {
    const { client } = this;
    client.setNoDelay(true);
    this.timer = setTimeout(() => {
      this.deny(
        408,
        null,
        `the request head did not arrive within ${this.ctx.limits.headerTimeoutMs} ms`,
      );
    }, this.ctx.limits.headerTimeoutMs);
    client.on('data', this.onHeadData);
    client.on('end', this.onEarlyEnd);
    client.on('close', () => {
      this.clearTimer();
      this.abort.abort();
      this.upstream?.destroy();
      const left = LEFT_DURING[this.phase];
      this.phase = 'done';
      if (left === null) return;
      this.ctx.audit(
        this.request
          ? this.event(this.request, FAILED, left)
          : { layer: 'broker', op: 'connect', target: '(none)', ...FAILED, reason: left },
      );
    });
  }

  private readonly onEarlyEnd = () => this.client.destroy();

  private readonly onHeadData = (chunk: Buffer) => {
    const room = this.head.length - this.received;
    chunk.copy(this.head, this.received, 0, Math.min(room, chunk.length));
    if (chunk.length > room) this.extra.push(chunk.subarray(room));
    this.received += Math.min(room, chunk.length);
    const scanned = this.scanner.scan(this.head.subarray(0, this.received));
    if (scanned.status === 'more') return;
    this.client.off('data', this.onHeadData);
    this.client.pause();
    this.clearTimer();
    if (scanned.status !== 'end') return this.deny(scanned.status, null, scanned.reason);
    const rest = Buffer.concat([this.head.subarray(scanned.end, this.received), ...this.extra]);
    const parsed = parseRequestHead(this.head.subarray(0, scanned.end));
    if (!parsed.ok) return this.deny(parsed.status, null, parsed.reason);
    const judged = interpretRequest(parsed.head);
    if (!judged.ok) {
      const op = parsed.head.method === 'CONNECT' ? 'connect' : parsed.head.method;
      return this.deny(judged.status, null, judged.reason, op);
    }
    void this.serve(judged.request, rest).catch((err: unknown) => {
      this.ctx.onError(err, 'serve');
      this.client.destroy();
    });
  };

  private async serve(request: ProxyRequest, rest: Buffer): Promise<void> {
    this.request = request;
    this.requestAt = performance.now();
    this.phase = 'vetting';
    const target = request.authority;
    if (this.isSelf(target)) return this.deny(403, request, 'the target is the proxy itself');
    const r = await vetAndConnect({
      host: target.host.host,
      port: target.port,
      decider: this.ctx.decider,
      grantsAllowLocal: this.ctx.grantsAllowLocal,
      lookup: this.ctx.lookup,
      consent: this.ctx.consent,
      timeoutMs: this.ctx.limits.connectTimeoutMs,
      signal: this.abort.signal,
    });
    if (!r.ok) {
      if (r.code === 'aborted') return; // the client left; its close was audited
      return this.deny(STATUS_FOR[r.code], request, r.reason);
    }
    const upstream = r.socket;
    this.upstream = upstream;
    this.ctx.track(upstream);
    upstream.on('error', (err) => {
      // Kept for whoever debugs it: the client only sees its connection end.
      this.ctx.onError(err, `upstream ${target.host.host}:${target.port}`);
      this.closeBoth();
    });
    upstream.on('close', (hadError) => {
      if (this.phase === 'hello')
        this.denyTunnel(request, 'the server closed the connection first', FAILED);
      // A clean close has already ended the client through pipe(), which flushes its buffer.
      else if (hadError) this.closeBoth();
    });
    if (this.client.destroyed) return this.closeBoth();
    if (
      this.ctx.self &&
      upstream.remotePort === this.ctx.self.port &&
      isLoopback(upstream.remoteAddress)
    )
      return this.deny(403, request, 'the target is the proxy itself');
    if (request.kind === 'connect') this.tunnel(request, upstream, rest, r.reason);
    else this.forward(request, upstream, rest, r.reason);
  }

  /** CONNECT: 200, then the client's first flight must be a ClientHello for the granted name. */
  private tunnel(
    request: Extract<ProxyRequest, { kind: 'connect' }>,
    upstream: net.Socket,
    rest: Buffer,
    reason: string,
  ): void {
    const { client } = this;
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    this.phase = 'hello';
    // Chunks are joined only once `need` bytes are there (a record boundary), so a client that
    // trickles its ClientHello byte by byte costs at most one join per record, not one per byte.
    let chunks = rest.length > 0 ? [rest] : [];
    let total = rest.length;
    let need = 1;
    this.timer = setTimeout(
      () =>
        this.denyTunnel(
          request,
          `no TLS ClientHello within ${this.ctx.limits.headerTimeoutMs} ms`,
          { outcome: 'timeout' },
        ),
      this.ctx.limits.headerTimeoutMs,
    );
    const judge = () => {
      if (total < need) return;
      const peek = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      chunks = [peek];
      const verdict = judgeFirstFlight(peek, request.authority);
      if (typeof verdict === 'object') {
        need = verdict.need;
        if (need > MAX_PEEK) this.denyTunnel(request, 'an endless TLS ClientHello');
        return;
      }
      client.off('data', onData);
      client.off('end', this.onEarlyEnd);
      this.clearTimer();
      if (verdict !== 'ok') return this.denyTunnel(request, verdict);
      if (!this.allow(request, reason)) return this.closeBoth();
      upstream.write(peek);
      this.splice(upstream);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      judge();
    };
    client.on('data', onData);
    client.resume();
    judge();
  }

  /** Absolute-form http://: our head upstream, the body by its framing, the response back raw. */
  private forward(
    request: Extract<ProxyRequest, { kind: 'forward' }>,
    upstream: net.Socket,
    rest: Buffer,
    reason: string,
  ): void {
    if (!this.allow(request, reason)) return this.closeBoth();
    const { client } = this;
    client.off('end', this.onEarlyEnd);
    upstream.write(upstreamHead(request));
    this.idle(upstream);
    upstream.pipe(client);

    const body = request.body;
    let left = body.kind === 'length' ? body.length : 0;
    const chunked = body.kind === 'chunked' ? new ChunkedBodyScanner() : null;
    let done = body.kind === 'none' || (body.kind === 'length' && left === 0);
    let discarded = 0;
    const take = (piece: Buffer) => {
      if (done) {
        discarded += piece.length;
        if (discarded > MAX_DISCARD) this.closeBoth();
        return;
      }
      let part = piece;
      if (chunked) {
        const r = chunked.feed(piece);
        if (!r.ok) {
          this.ctx.audit(this.event(request, DENY, r.reason));
          return this.closeBoth();
        }
        part = piece.subarray(0, r.consumed);
        done = r.done;
      } else {
        part = piece.subarray(0, Math.min(left, piece.length));
        left -= part.length;
        done = left === 0;
      }
      discarded += piece.length - part.length;
      if (part.length > 0 && !upstream.write(part)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    };
    if (rest.length > 0) take(rest);
    client.on('data', take);
    client.on('end', () => {
      if (!done) this.closeBoth();
    });
    client.resume();
  }

  /** Bytes both ways, unread, until either side ends or the tunnel idles out. */
  private splice(upstream: net.Socket): void {
    this.idle(upstream);
    this.client.pipe(upstream);
    upstream.pipe(this.client);
  }

  private idle(upstream: net.Socket): void {
    const ms = this.ctx.limits.idleTimeoutMs;
    for (const s of [this.client, upstream]) {
      s.setTimeout(ms);
      s.on('timeout', () => this.closeBoth());
    }
  }

  private allow(request: ProxyRequest, reason: string): boolean {
    this.phase = 'done';
    return this.ctx.audit(this.event(request, { decision: 'allow' }, reason));
  }

  private denyTunnel(request: ProxyRequest, reason: string, verdict: Verdict = DENY): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.clearTimer();
    this.ctx.audit(this.event(request, verdict, reason));
    this.closeBoth();
  }

  /** Answers `status` with `reason`, audits the refusal, closes. */
  private deny(status: number, request: ProxyRequest | null, reason: string, op?: string): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.clearTimer();
    this.client.off('data', this.onHeadData);
    const verdict = verdictOf(status);
    this.ctx.audit(
      request
        ? this.event(request, verdict, reason)
        : { layer: 'broker', op: op ?? 'connect', target: '(none)', ...verdict, reason },
    );
    this.upstream?.destroy();
    refuse(this.client, status, reason);
  }

  private event(
    request: ProxyRequest,
    verdict: Verdict,
    reason: string,
  ): Omit<AuditEventInput, 'ext' | 'kind'> {
    const op = request.kind === 'connect' ? 'connect' : request.head.method;
    const durationUs = Math.round((performance.now() - this.requestAt) * 1000);
    return {
      layer: 'broker',
      op,
      target: formatAuthority(request.authority),
      ...verdict,
      reason,
      durationUs,
    };
  }

  private isSelf(target: Authority): boolean {
    if (!this.ctx.self || target.port !== this.ctx.self.port) return false;
    return target.host.kind !== 'name' && isLoopback(target.host.host);
  }

  private closeBoth(): void {
    this.clearTimer();
    this.client.destroy();
    this.upstream?.destroy();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** What the audit says of a request: the proxy's decision, or what came of it (event version 2). */
type Verdict = Pick<AuditEventInput, 'decision' | 'outcome'>;
const DENY: Verdict = { decision: 'deny' };
const FAILED: Verdict = { outcome: 'failed' };

/**
 * A refusal's verdict by its status: what the proxy refuses on purpose (403, and requests it will
 * not read: 400, 414, 431, 501, 505, 508) is a denial; a target it could not reach (502), took too
 * long (408, 504) or no room (503) is an outcome, not a denial.
 */
function verdictOf(status: number): Verdict {
  if (status === 502) return FAILED;
  if (status === 408 || status === 504) return { outcome: 'timeout' };
  if (status === 503) return { outcome: 'limit' };
  return DENY;
}

function isLoopback(address: string | undefined): boolean {
  const c = address === undefined ? null : classifyAddress(address);
  return c !== null && (c.class === 'loopback' || c.class === 'unspecified');
}

/** Writes the error response, half-closes, and drains briefly so the client gets to read it. */
function refuse(socket: net.Socket, status: number, reason: string): void {
  if (socket.destroyed) return;
  socket.removeAllListeners('data');
  socket.removeAllListeners('timeout');
  socket.on('data', () => {});
  socket.on('end', () => socket.destroy());
  socket.end(errorResponse(status, reason));
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
