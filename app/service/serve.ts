// `corral serve`'s server: the built window and the UI contract over a WebSocket, on 127.0.0.1
// only. Every request passes the guard (serve-guard.ts); refusals are answered 403 and audited.
// Frames are checked against the contract: an oversize, malformed or unknown one gets an error
// answer and the connection and the host go on.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { AuditEventInput } from '../audit-event/event.ts';
import { refusalRecorder } from './refusal-recorder.ts';
// wire.ts rather than the contract's index: the server listens before the host, and the rest of the
// contract, are loaded (app/cli/serve.ts).
import {
  clientFrameSchema,
  fail,
  FRAME_MAX_BYTES,
  type ContractResult,
  type HostFrame,
} from '../contract/wire.ts';
import type { HostService, UiSession } from './host-service.ts';
import { SECURITY_HEADERS, ServeGuard, type RequestFacts } from './serve-guard.ts';

export interface ServeOptions {
  /**
   * The host, or its promise: the page is served at once, and WebSocket upgrades wait for the host
   * (answered 503 if it fails), so that `corral serve` can print its address before building it.
   */
  host: HostService | Promise<HostService>;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  audit: (event: AuditEventInput) => void;
}

export interface Serving {
  url: string;
  port: number;
  /** Stops accepting, closes every connection. */
  close(): Promise<void>;
}

/** A client that reads this slowly loses audit batches (it fills the gap by seq): bytes queued. */
const SLOW_CLIENT_BYTES = 8 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** Serves the window and the contract; resolves once listening on 127.0.0.1. */
export async function startServing(o: ServeOptions): Promise<Serving> {
  const root = realpathSync(o.rendererDir);
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: FRAME_MAX_BYTES });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const guard = new ServeGuard(port);
  const hostReady = Promise.resolve(o.host);
  // A host that failed is reported by whoever built it; here it only turns upgrades away.
  hostReady.catch(() => {});
  const refusals = refusalRecorder(o.audit, { op: 'serve', who: 'corral serve' });

  const facts = (req: IncomingMessage, upgrade: boolean): RequestFacts => ({
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    host: req.headers.host,
    origin: req.headers.origin,
    cookie: req.headers.cookie,
    upgrade,
  });
  const who = (req: IncomingMessage) =>
    `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const verdict = guard.check(facts(req, false));
    if (!verdict.allow) {
      refusals.refuse(`${req.method} ${pathOf(req.url)}`, who(req), verdict.reason);
      return send(res, verdict.status, 'text/plain; charset=utf-8', `${verdict.reason}\n`);
    }
    if (verdict.session === 'token') {
      res.writeHead(303, { ...SECURITY_HEADERS, 'Set-Cookie': verdict.setCookie, Location: '/' });
      return res.end();
    }
    serveFile(root, pathOf(req.url), req.method === 'HEAD', res);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const verdict = guard.check(facts(req, true));
    if (!verdict.allow || pathOf(req.url) !== '/ws') {
      const reason = verdict.allow ? `no WebSocket at ${pathOf(req.url)}` : verdict.reason;
      refusals.refuse(`WebSocket ${pathOf(req.url)}`, who(req), reason);
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
      return;
    }
    const from = who(req);
    void hostReady.then(
      (host) => wss.handleUpgrade(req, socket, head, (ws) => connectUi(host, ws, from)),
      () =>
        socket.end(
          `HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nCorral could not start its host\n`,
        ),
    );
  });

  function connectUi(host: HostService, ws: WebSocket, from: string): void {
    const session: UiSession = {
      id: randomBytes(12).toString('base64url'),
      shell: 'serve',
      label: `browser tab (${from})`,
    };
    const sendFrame = (frame: HostFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const disconnect = host.connect(session, (name, payload) => {
      // A tab that does not keep up misses audit batches, which it reads back by seq.
      if (name === 'onAuditEvents' && ws.bufferedAmount > SLOW_CLIENT_BYTES) return;
      sendFrame({ t: 'event', name, payload });
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answer(data, isBinary).then((frame) => sendFrame(frame));
    });
    ws.on('close', disconnect);
    ws.on('error', (error) => {
      refusals.refuse('WebSocket frame', from, `the connection failed: ${error.message}`);
      disconnect();
    });

    async function answer(data: RawData, isBinary: boolean): Promise<HostFrame> {
      const bad = (message: string, id: number | null = null): HostFrame => {
        refusals.refuse('WebSocket frame', from, message);
        return { t: 'result', id, result: fail('bad-frame', message) };
      };
      if (isBinary) return bad('a binary frame; the contract speaks JSON text frames');
      let json: unknown;
      try {
        json = JSON.parse(rawText(data));
      } catch {
        return bad('a frame that is not JSON');
      }
      const frame = clientFrameSchema.safeParse(json);
      if (!frame.success) {
        const id = (json as { id?: unknown } | null)?.id;
        return bad(
          'a frame that is not a call ({t:"call", id, method, input})',
          Number.isSafeInteger(id) && (id as number) >= 0 ? (id as number) : null,
        );
      }
      const result: ContractResult<unknown> = await host.call(
        session,
        frame.data.method,
        frame.data.input,
      );
      if (!result.ok && result.error.code === 'unknown-method')
        refusals.refuse('WebSocket call', from, `unknown method ${frame.data.method.slice(0, 64)}`);
      return { t: 'result', id: frame.data.id, result };
    }
  }

  return {
    url: guard.url,
    port,
    async close() {
      refusals.flush();
      for (const ws of wss.clients) ws.close(1001, 'Corral is stopping');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      wss.close();
    },
  };
}

function serveFile(root: string, path: string, headOnly: boolean, res: ServerResponse): void {
  const relative = path === '/' ? 'index.html' : decodeSafe(path.slice(1));
  if (relative === null || relative.includes('\0'))
    return send(res, 400, 'text/plain; charset=utf-8', 'bad path\n');
  let file: string;
  try {
    file = realpathSync(join(root, relative));
    if (!(file === root || file.startsWith(root + sep)) || !statSync(file).isFile())
      throw new Error('outside');
  } catch {
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
  const body = readFileSync(file);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    // index.html names hashed assets: it must be fresh; the assets never change under a name.
    'Cache-Control': relative === 'index.html' ? 'no-store' : 'max-age=31536000, immutable',
  });
  res.end(headOnly ? undefined : body);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!;
  return path.slice(0, 200);
}

function decodeSafe(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
