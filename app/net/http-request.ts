// The proxy's HTTP/1.x request reader: request line and header fields (RFC 9112) read strictly,
// then judged as a proxy request (CONNECT authority or absolute http:// URI), with every shape that
// lets two parsers disagree about where a request ends refused. Also builds the upstream head.
// Pure: no node:* imports; any bytes in, a verdict out, never an exception.
import { canonicalHost, type CanonicalHost } from '../policy/host-names.ts';

/** Why a request is refused, with the HTTP status the client gets. */
export interface Refusal {
  ok: false;
  status: 400 | 403 | 414 | 431 | 501 | 505 | 508;
  reason: string;
}

export interface RequestHead {
  method: string;
  /** The request-target exactly as sent. */
  target: string;
  version: '1.0' | '1.1';
  /** Field names as sent, values without surrounding whitespace, in order. */
  headers: [name: string, value: string][];
}

export interface Authority {
  host: CanonicalHost;
  port: number;
}

export type BodyFraming =
  { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

export type ProxyRequest =
  | { kind: 'connect'; head: RequestHead; authority: Authority }
  | {
      kind: 'forward';
      head: RequestHead;
      authority: Authority;
      /** origin-form: "/path?query". */
      path: string;
      body: BodyFraming;
    };

/** Our name in Via and Forwarded (RFC 9110 §7.6.3), which is how a loop through us shows. */
export const PROXY_PSEUDONYM = 'corral';
// A cap on the number of fields beside the byte cap: each field costs an array entry.
const MAX_FIELDS = 256;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TOKEN_BYTE = new Uint8Array(128);
for (const ch of "!#$%&'*+.^_`|~-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TOKEN_BYTE[ch.charCodeAt(0)] = 1;

export type ScanResult = { status: 'more' } | { status: 'end'; end: number } | Refusal;

/**
 * Finds the end of a request head as bytes arrive, refusing garbage as soon as it shows: a
 * request line that is not `token SP visible-text`, a control character, a bare CR or LF, or a
 * head longer than `maxBytes`. Give it the whole buffer each time; it resumes where it stopped.
 */
export class RequestHeadScanner {
  private at = 0;
  private line = 0;
  private lineStart = 0;
  private spaces = 0;

  constructor(private readonly maxBytes: number) {}

  scan(buf: Uint8Array): ScanResult {
    for (; this.at < buf.length; this.at++) {
      if (this.at >= this.maxBytes)
        return this.line === 0
          ? refuse(414, `a request line longer than ${this.maxBytes} bytes`)
          : refuse(431, `request headers longer than ${this.maxBytes} bytes`);
      const c = buf[this.at]!;
      const prev = this.at > 0 ? buf[this.at - 1] : -1;
      if (c === LF) {
        if (prev !== CR) return refuse(400, 'a line ends in a bare LF');
        if (this.at - 1 === this.lineStart) {
          if (this.line === 0) return refuse(400, 'not an HTTP request (an empty first line)');
          return { status: 'end', end: this.at + 1 };
        }
        if (this.line === 0 && this.spaces !== 2) return refuse(400, 'not an HTTP request line');
        this.line++;
        this.lineStart = this.at + 1;
        continue;
      }
      if (prev === CR) return refuse(400, 'a bare CR inside a line');
      if (c === CR) continue;
      if (this.line > 0) {
        if (c < SP ? c !== HTAB : c === 0x7f)
          return refuse(400, 'a control character in a header field');
        continue;
      }
      if (c === SP) {
        if (this.at === this.lineStart || prev === SP || ++this.spaces > 2)
          return refuse(400, 'not an HTTP request line');
      } else if (this.spaces === 0 ? TOKEN_BYTE[c] !== 1 : c < 0x21 || c > 0x7e) {
        return refuse(400, 'not an HTTP request');
      }
    }
    return { status: 'more' };
  }
}

/** Parses a complete head (request line, fields, the empty line) strictly, per RFC 9112. */
export function parseRequestHead(bytes: Uint8Array): { ok: true; head: RequestHead } | Refusal {
  const text = latin1(bytes);
  if (!text.endsWith('\r\n\r\n')) return refuse(400, 'the request head is not terminated');
  const lines = text.slice(0, -4).split('\r\n');
  if (lines.some((l) => l.includes('\r') || l.includes('\n')))
    return refuse(400, 'a bare CR or LF in the request head');
  const m = /^([^ ]+) ([^ ]+) HTTP\/(\d)\.(\d)$/.exec(lines[0]!);
  if (!m || !TOKEN.test(m[1]!) || !/^[\x21-\x7e]+$/.test(m[2]!))
    return refuse(400, 'not an HTTP request line');
  const version = `${m[3]}.${m[4]}`;
  if (version !== '1.0' && version !== '1.1')
    return refuse(505, `HTTP/${version} is not supported (HTTP/1.0 and 1.1 are)`);
  if (lines.length - 1 > MAX_FIELDS) return refuse(431, `more than ${MAX_FIELDS} header fields`);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    // RFC 9112 §5.2: obs-fold lets a proxy and a server join lines differently.
    if (line.startsWith(' ') || line.startsWith('\t'))
      return refuse(400, 'a folded header line (obs-fold)');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    // RFC 9112 §5.1: whitespace before the colon must be refused (it hides a field's name).
    if (!TOKEN.test(name)) return refuse(400, 'a malformed header field name');
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value))
      return refuse(400, `a control character in the ${name} header`);
    headers.push([name, value]);
  }
  return { ok: true, head: { method: m[1]!, target: m[2]!, version, headers } };
}

/**
 * Judges a parsed head as a request to a forward proxy: CONNECT host:port, or an absolute
 * http:// URI. Refuses request-smuggling shapes, loops through this proxy, relayed CONNECTs and
 * a Host header that disagrees with the target.
 */
export function interpretRequest(head: RequestHead): { ok: true; request: ProxyRequest } | Refusal {
  const fields = new Map<string, string[]>();
  for (const [name, value] of head.headers) {
    const key = name.toLowerCase();
    const list = fields.get(key);
    if (list) list.push(value);
    else fields.set(key, [value]);
  }
  const loop = loopThroughUs(fields);
  if (loop) return refuse(508, loop);
  const body = bodyFraming(fields, head.version);
  if (!('kind' in body)) return body;
  const hosts = fields.get('host') ?? [];
  if (hosts.length > 1) return refuse(400, 'more than one Host header');

  if (head.method === 'CONNECT') {
    const authority = parseAuthority(head.target, null);
    if (!authority)
      return refuse(400, `CONNECT needs host:port, not ${JSON.stringify(head.target)}`);
    if (body.kind !== 'none' && !(body.kind === 'length' && body.length === 0))
      return refuse(400, 'a CONNECT request with a body');
    // A CONNECT that another proxy relayed to us: we only serve the sandbox's own clients.
    if (fields.has('via') || fields.has('forwarded'))
      return refuse(403, 'a relayed CONNECT (it carries Via or Forwarded)');
    const mismatch = hostMismatch(hosts[0], authority, null);
    if (mismatch) return refuse(400, mismatch);
    return { ok: true, request: { kind: 'connect', head, authority } };
  }

  if (/^https:\/\//i.test(head.target))
    return refuse(400, 'an https:// URI sent in the clear; tunnel it with CONNECT instead');
  const uri = /^http:\/\/([^/?#]*)([^#]*)$/i.exec(head.target);
  if (!uri) {
    if (head.target.includes('#')) return refuse(400, 'a fragment (#) in the request URI');
    return refuse(400, 'a proxy request needs an absolute http:// URI or CONNECT');
  }
  if (uri[1]!.includes('@')) return refuse(400, 'credentials (user@) in the request URI');
  const authority = parseAuthority(uri[1]!, 80);
  if (!authority) return refuse(400, `${JSON.stringify(uri[1])} is not a host[:port]`);
  if (head.version === '1.1' && hosts.length === 0) return refuse(400, 'no Host header');
  const mismatch = hostMismatch(hosts[0], authority, 80);
  if (mismatch) return refuse(400, mismatch);
  const rest = uri[2]!;
  const path = rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
  return { ok: true, request: { kind: 'forward', head, authority, path, body } };
}

/** Host and port from "host:port" or "[v6]:port"; the port may be omitted when a default is given. */
export function parseAuthority(text: string, defaultPort: number | null): Authority | null {
  const m = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(text);
  if (!m || m[1] === '') return null;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port === null || port < 1 || port > 65535) return null;
  // A bare IPv6 literal must be bracketed here, or its colons would read as a port.
  const host = canonicalHost(m[1]!);
  if (host === null || (host.kind === 'ipv6' && !m[1]!.startsWith('['))) return null;
  return { host, port };
}

/** "host:port" as audit targets and messages show it ("[::1]:443" for IPv6). */
export function formatAuthority(a: Authority): string {
  return `${a.host.kind === 'ipv6' ? `[${a.host.host}]` : a.host.host}:${a.port}`;
}

// RFC 9110 §7.6.1 and RFC 9112 §9.6: meaningful for one connection only, never forwarded.
// Proxy-Authorization would hand the sandbox's proxy credentials to the origin.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'upgrade',
  'transfer-encoding',
  'content-length',
  'host',
]);

/**
 * The head sent upstream for a forwarded request: origin-form target, the client's fields minus
 * hop-by-hop ones (and any the Connection header names), our own Host, framing, Via, and
 * `Connection: close` (one request per connection, so no request can hide behind another).
 */
export function upstreamHead(req: Extract<ProxyRequest, { kind: 'forward' }>): string {
  const named = new Set<string>();
  for (const [name, value] of req.head.headers)
    if (name.toLowerCase() === 'connection')
      for (const token of value.split(',')) named.add(token.trim().toLowerCase());
  const { host, port } = req.authority;
  const hostText = host.kind === 'ipv6' ? `[${host.host}]` : host.host;
  let out = `${req.head.method} ${req.path} HTTP/${req.head.version}\r\n`;
  out += `Host: ${port === 80 ? hostText : `${hostText}:${port}`}\r\n`;
  for (const [name, value] of req.head.headers) {
    const key = name.toLowerCase();
    if (!HOP_BY_HOP.has(key) && !named.has(key)) out += `${name}: ${value}\r\n`;
  }
  if (req.body.kind === 'length') out += `Content-Length: ${req.body.length}\r\n`;
  if (req.body.kind === 'chunked') out += 'Transfer-Encoding: chunked\r\n';
  out += `Via: ${req.head.version} ${PROXY_PSEUDONYM}\r\nConnection: close\r\n\r\n`;
  return out;
}

/** The response line and fields for a refusal (or a 503/504), closing the connection. */
export function errorResponse(status: number, reason: string): string {
  const body = `${status} ${STATUS_TEXT[status] ?? 'Error'}: ${reason}\n`;
  return (
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${utf8Length(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  508: 'Loop Detected',
};

/** The body's framing, or the refusal for a smuggling shape (RFC 9112 §6.1, §6.3). */
function bodyFraming(fields: Map<string, string[]>, version: string): BodyFraming | Refusal {
  const lengths = fields.get('content-length');
  const codings = fields.get('transfer-encoding');
  if (lengths && codings)
    return refuse(400, 'both Content-Length and Transfer-Encoding (a request-smuggling shape)');
  if (codings) {
    if (version === '1.0') return refuse(400, 'Transfer-Encoding in an HTTP/1.0 request');
    const list = codings.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase());
    if (list.length !== 1 || list[0] !== 'chunked')
      return refuse(501, `Transfer-Encoding ${JSON.stringify(codings.join(', '))} (only chunked)`);
    return { kind: 'chunked' };
  }
  if (!lengths) return { kind: 'none' };
  const values = new Set(lengths.flatMap((v) => v.split(',')).map((t) => t.trim()));
  if (values.size !== 1) return refuse(400, 'Content-Length fields that disagree');
  const [value] = values;
  // Digits only: "+5", "0x5" and "5 " are read differently by different parsers.
  if (!/^\d{1,15}$/.test(value!)) return refuse(400, `Content-Length ${JSON.stringify(value)}`);
  return { kind: 'length', length: Number(value) };
}

function loopThroughUs(fields: Map<string, string[]>): string | null {
  for (const via of fields.get('via') ?? [])
    for (const hop of via.split(','))
      if (
        hop
          .trim()
          .split(/[ \t]+/)[1]
          ?.toLowerCase() === PROXY_PSEUDONYM
      )
        return 'the request has already passed through this proxy (Via)';
  for (const fwd of fields.get('forwarded') ?? [])
    if (new RegExp(`(^|[;,\\s])by="?${PROXY_PSEUDONYM}"?($|[;,\\s])`, 'i').test(fwd))
      return 'the request has already passed through this proxy (Forwarded)';
  return null;
}

function hostMismatch(
  field: string | undefined,
  target: Authority,
  defaultPort: number | null,
): string | null {
  if (field === undefined) return null;
  const said = parseAuthority(field, defaultPort ?? target.port);
  if (!said) return `the Host header ${JSON.stringify(field)} is not a host[:port]`;
  if (said.host.host !== target.host.host || said.port !== target.port)
    return `the Host header names ${formatAuthority(said)} but the request goes to ${formatAuthority(target)}`;
  return null;
}

function refuse(status: Refusal['status'], reason: string): Refusal {
  return { ok: false, status, reason };
}

/** Bytes as Latin-1 text, one character per byte (what HTTP/1.1 fields are on the wire). */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096)
    s += String.fromCharCode(...bytes.subarray(i, Math.min(i + 4096, bytes.length)));
  return s;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}
