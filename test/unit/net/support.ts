// Shared helpers for the network suites: a throw-away certificate, local HTTP(S) servers on
// 127.0.0.1, policies, an injected resolver, a guard that no test connects beyond loopback, and
// raw-socket and CONNECT clients for talking to the proxy.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { mock } from 'node:test';
import { compileDecider, type Decider } from '../../../app/policy/decide.ts';
import type { NetGrant } from '../../../app/policy/manifest.ts';
import { makeCert as makeCertFor, type TestCert } from '../../support/tls-cert.ts';
import type { LookupAll } from '../../../app/net/vetted-connect.ts';
import { compiled } from '../policy/support.ts';

/** The names the test certificate is valid for. */
export const CERT_NAMES = ['api.github.test', 'localhost'];

export type { TestCert } from '../../support/tls-cert.ts';

/** A self-signed certificate for CERT_NAMES, 127.0.0.1 and ::1. */
export function makeCert(): TestCert {
  return makeCertFor([...CERT_NAMES, '127.0.0.1', '::1']);
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface LocalServer {
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** An HTTP or HTTPS server on 127.0.0.1 that records each request and answers "hello <url>". */
export async function localServer(cert?: TestCert): Promise<LocalServer> {
  const seen: SeenRequest[] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString(),
      });
      res.end(`hello ${req.url}`);
    });
  };
  const server = cert ? https.createServer(cert, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A decider for these net grants. */
export function deciderFor(net: NetGrant[], optional: NetGrant[] = []): Decider {
  return compileDecider(compiled({ net }, { net: optional }));
}

/** A resolver answering from `table`; any other name fails as a real resolver would. */
export function fakeLookup(table: Record<string, string[]>, calls?: string[]): LookupAll {
  return async (hostname) => {
    calls?.push(hostname);
    const answer = table[hostname];
    if (!answer)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer.map((address) => ({ address }));
  };
}

/**
 * Wraps net.connect so that a test can never send a packet beyond loopback, whatever the code
 * under test decides: any other target fails the test loudly. Returns the TCP targets seen.
 */
export function guardLoopbackOnly(): { targets: string[]; restore(): void } {
  const targets: string[] = [];
  const real = net.connect;
  const m = mock.method(net, 'connect', (...args: Parameters<typeof net.connect>) => {
    const [first, second] = args as unknown[];
    const host =
      typeof first === 'string'
        ? `unix:${first}`
        : typeof first === 'number'
          ? typeof second === 'string'
            ? second
            : 'localhost'
          : 'path' in (first as object)
            ? `unix:${(first as { path: string }).path}`
            : ((first as { host?: string }).host ?? 'localhost');
    if (!host.startsWith('unix:')) targets.push(host);
    assert.ok(
      host.startsWith('unix:') || host === '127.0.0.1' || host === '::1',
      `a test tried to connect to ${host}`,
    );
    return real(...args);
  });
  return { targets, restore: () => m.mock.restore() };
}

export type ProxyAt = { path: string } | { host: string; port: number };

/** A raw socket to the proxy. */
export function dial(at: ProxyAt): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = 'path' in at ? net.connect(at.path) : net.connect(at.port, at.host);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends `bytes` on a fresh connection and returns everything the proxy answers until it closes. */
export async function exchange(
  at: ProxyAt,
  bytes: string | Buffer,
  timeoutMs = 5000,
): Promise<string> {
  const s = await dial(at);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`the proxy did not close within ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    s.write(bytes);
  });
}

/** The status code of an HTTP response text, or null when there is none. */
export function statusOf(response: string): number | null {
  const m = /^HTTP\/1\.1 (\d{3}) /.exec(response);
  return m ? Number(m[1]) : null;
}

/** Opens a CONNECT tunnel through the proxy; resolves with the status and the raw socket. */
export async function connectTunnel(
  at: ProxyAt,
  authority: string,
  extraHeaders = '',
): Promise<{ status: number | null; socket: net.Socket; rest: Buffer }> {
  const s = await dial(at);
  s.on('error', () => {});
  s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${extraHeaders}\r\n`);
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      s.off('data', onData);
      s.off('close', onClose);
      resolve({ status: statusOf(buf.toString('latin1')), socket: s, rest: buf.subarray(end + 4) });
    };
    const onClose = () =>
      resolve({ status: statusOf(buf.toString('latin1')), socket: s, rest: buf });
    s.on('data', onData);
    s.on('close', onClose);
  });
}

/** Sends one request with node:http or node:https and collects the whole response. */
function send(
  transport: typeof http | typeof https,
  options: http.RequestOptions,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = transport.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An HTTPS GET over an open tunnel, the certificate verified against `ca` for `servername`. */
export function httpsOverTunnel(
  socket: net.Socket,
  servername: string,
  ca: string,
  path: string,
): Promise<{ status: number; body: string }> {
  // With createConnection and no agent, node:http neither pools nor resolves anything.
  return send(https, {
    createConnection: () => tls.connect({ socket, servername, ca }),
    host: servername,
    path,
  });
}

/** A plain HTTP request through the proxy (absolute-form), as curl or pip would send it. */
export function viaProxy(
  at: ProxyAt,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  const target = 'path' in at ? { socketPath: at.path } : { host: at.host, port: at.port };
  const method = body === undefined ? 'GET' : 'POST';
  return send(http, { ...target, path: url, method, headers, agent: false }, body);
}

/** Resolves once `predicate` holds, polling; rejects after `ms`. */
export async function eventually(predicate: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The first bytes a node:tls client sends (its ClientHello), read by a plain TCP server. */
export async function captureClientHello(options: tls.ConnectionOptions): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      server.once('connection', (s) => {
        let buf = Buffer.alloc(0);
        s.on('data', (c: Buffer) => {
          buf = Buffer.concat([buf, c]);
          // Record header plus its length: one record is the whole ClientHello from node:tls.
          if (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) {
            s.destroy();
            resolve(buf);
          }
        });
      });
      const client = tls.connect({ host: '127.0.0.1', port, ...options });
      client.on('error', () => {});
      setTimeout(() => reject(new Error('no ClientHello arrived')), 3000).unref();
    });
  } finally {
    server.close();
  }
}

/** A minimal ClientHello with these extensions, in one or more handshake records. */
export function buildClientHello(
  extensions: [type: number, body: Buffer][] | null,
  recordSizes: number[] = [],
): Buffer {
  const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
  const parts = [
    Buffer.from([3, 3]),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    Buffer.concat([u16(2), Buffer.from([0x13, 0x01])]),
    Buffer.from([1, 0]),
  ];
  if (extensions) {
    const ext = Buffer.concat(
      extensions.map(([t, b]) => Buffer.concat([u16(t), u16(b.length), b])),
    );
    parts.push(u16(ext.length), ext);
  }
  const body = Buffer.concat(parts);
  const handshake = Buffer.concat([
    Buffer.from([1, body.length >> 16, (body.length >> 8) & 255, body.length & 255]),
    body,
  ]);
  return toRecords(handshake, recordSizes);
}

/** Cuts handshake bytes into handshake records of the given sizes (the rest in one last record). */
export function toRecords(handshake: Buffer, sizes: number[] = []): Buffer {
  const records: Buffer[] = [];
  let at = 0;
  for (const size of [...sizes, Infinity]) {
    if (at >= handshake.length) break;
    const piece = handshake.subarray(at, Math.min(handshake.length, at + size));
    records.push(Buffer.from([0x16, 3, 1, piece.length >> 8, piece.length & 255]), piece);
    at += piece.length;
  }
  return Buffer.concat(records);
}

/** The server_name extension body for these (name_type, name) entries. */
export function sniBody(entries: [type: number, name: string][]): Buffer {
  const list = Buffer.concat(
    entries.map(([t, n]) =>
      Buffer.concat([Buffer.from([t, n.length >> 8, n.length & 255]), Buffer.from(n, 'latin1')]),
    ),
  );
  return Buffer.concat([Buffer.from([list.length >> 8, list.length & 255]), list]);
}
