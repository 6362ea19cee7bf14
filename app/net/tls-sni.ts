// Reads the server name (SNI) from the first bytes a TLS client sends, so the proxy can check that
// a CONNECT tunnel carries TLS to the host it was granted, without decrypting anything.
// Pure: no node:* imports; any bytes in, a verdict out, never an exception.

export type ClientHelloResult =
  /** Nothing can be said before `data` holds at least `need` bytes. */
  | { status: 'incomplete'; need: number }
  | { status: 'invalid'; reason: string }
  /**
   * serverName: the SNI extension's host_name, lower-cased, or null when there is none; `bytes`:
   * how many bytes of `data` the ClientHello's records occupy.
   */
  | { status: 'ok'; serverName: string | null; bytes: number };

const RECORD_HEADER = 5;
const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const NAME_TYPE_HOST = 0x00;
// RFC 8446 §5.1: a record's plaintext fragment is at most 2^14 bytes.
const MAX_FRAGMENT = 1 << 14;
// A ClientHello is one handshake message, but RFC 8446 lets it span records; real ones (with a
// post-quantum key share) are under 2 KiB. 64 KiB bounds what one client can make us buffer…
export const MAX_CLIENT_HELLO = 1 << 16;
// …and 16 records bound how finely it may be cut (64 KiB needs only 4 full records).
const MAX_RECORDS = 16;
// RFC 1035: a host name is at most 253 characters in text form.
const MAX_HOST_NAME = 253;

/** Parses the TLS ClientHello at the start of `data`, reassembled from its handshake records. */
export function parseClientHello(data: Uint8Array): ClientHelloResult {
  const hello: number[] = [];
  let at = 0;
  let needed = -1;
  for (let records = 0; needed < 0 || hello.length < needed; records++) {
    if (records === MAX_RECORDS)
      return {
        status: 'invalid',
        reason: `a ClientHello cut into more than ${MAX_RECORDS} records`,
      };
    if (data.length - at < RECORD_HEADER) return { status: 'incomplete', need: at + RECORD_HEADER };
    if (data[at] !== HANDSHAKE)
      return {
        status: 'invalid',
        reason: at === 0 ? 'not a TLS handshake record' : 'the ClientHello is interrupted',
      };
    if (data[at + 1] !== 3 || data[at + 2]! > 4)
      return { status: 'invalid', reason: 'not a TLS 1.x record' };
    const length = (data[at + 3]! << 8) | data[at + 4]!;
    if (length === 0 || length > MAX_FRAGMENT)
      return { status: 'invalid', reason: `a TLS record of ${length} bytes` };
    const end = at + RECORD_HEADER + length;
    if (data.length < end) return { status: 'incomplete', need: end };
    for (let i = at + RECORD_HEADER; i < end; i++) hello.push(data[i]!);
    at = end;
    if (needed < 0 && hello.length >= 4) {
      if (hello[0] !== CLIENT_HELLO) return { status: 'invalid', reason: 'not a ClientHello' };
      needed = 4 + ((hello[1]! << 16) | (hello[2]! << 8) | hello[3]!);
      if (needed > MAX_CLIENT_HELLO)
        return { status: 'invalid', reason: `a ClientHello of ${needed} bytes` };
    }
  }
  // More handshake bytes in the last record would be a second message, which a client never
  // sends before the server has answered.
  if (hello.length !== needed)
    return { status: 'invalid', reason: 'trailing handshake bytes after the ClientHello' };
  const r = readServerName(new Reader(hello, 4, needed));
  return typeof r === 'string'
    ? { status: 'invalid', reason: r }
    : { status: 'ok', serverName: r.name, bytes: at };
}

/** A bounds-checked cursor; every read past `end` yields -1 and sets `overrun`. */
class Reader {
  overrun = false;
  constructor(
    private readonly b: readonly number[],
    public at: number,
    public end: number,
  ) {}
  u8(): number {
    if (this.at + 1 > this.end) return this.fail();
    return this.b[this.at++]!;
  }
  u16(): number {
    if (this.at + 2 > this.end) return this.fail();
    const v = (this.b[this.at]! << 8) | this.b[this.at + 1]!;
    this.at += 2;
    return v;
  }
  skip(n: number): void {
    if (n < 0 || this.at + n > this.end) this.fail();
    else this.at += n;
  }
  /** A reader over the next n bytes (this one moves past them), or null when they are not there. */
  sub(n: number): Reader | null {
    if (n < 0 || this.at + n > this.end) {
      this.fail();
      return null;
    }
    const r = new Reader(this.b, this.at, this.at + n);
    this.at += n;
    return r;
  }
  /** n bytes as Latin-1 text; the caller has checked that they are there. */
  text(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.b[this.at + i]!);
    this.at += n;
    return s;
  }
  get left(): number {
    return this.end - this.at;
  }
  private fail(): number {
    this.overrun = true;
    this.at = this.end;
    return -1;
  }
}

/** Walks the ClientHello body (RFC 8446 §4.1.2) to the server_name extension (RFC 6066 §3). */
function readServerName(r: Reader): { name: string | null } | string {
  r.skip(2 + 32); // legacy_version, random
  const sessionId = r.u8();
  if (sessionId > 32) return 'a session id longer than 32 bytes';
  r.skip(sessionId);
  const suites = r.u16();
  if (suites < 2 || suites % 2 !== 0) return 'a malformed cipher suite list';
  r.skip(suites);
  const compression = r.u8();
  if (compression < 1) return 'no compression methods';
  r.skip(compression);
  if (r.overrun) return 'a truncated ClientHello';
  if (r.left === 0) return { name: null }; // TLS 1.2 and earlier may omit extensions
  const extensions = r.sub(r.u16());
  if (extensions === null || r.left !== 0) return 'a malformed extension block';
  const seen = new Set<number>();
  let name: string | null = null;
  while (extensions.left > 0) {
    const type = extensions.u16();
    const body = extensions.sub(extensions.u16());
    if (body === null) return 'a truncated extension';
    // RFC 8446 §4.2: at most one extension of each type; two SNIs would let the client and the
    // server disagree on which one counts.
    if (seen.has(type)) return `extension ${type} appears twice`;
    seen.add(type);
    if (type !== EXT_SERVER_NAME) continue;
    const n = hostNameOf(body);
    if (typeof n !== 'object') return n;
    name = n.name;
  }
  return { name };
}

function hostNameOf(body: Reader): { name: string } | string {
  const list = body.sub(body.u16());
  if (list === null || body.left !== 0 || list.left === 0) return 'a malformed server_name list';
  let name: string | null = null;
  while (list.left > 0) {
    const type = list.u8();
    const length = list.u16();
    if (list.overrun || length > list.left) return 'a truncated server name';
    if (type !== NAME_TYPE_HOST) {
      list.skip(length);
      continue;
    }
    // RFC 6066 §3: "MUST NOT contain more than one name of the same name_type".
    if (name !== null) return 'two host names in server_name';
    if (length === 0 || length > MAX_HOST_NAME) return `a server name of ${length} bytes`;
    const text = list.text(length);
    // RFC 6066 §3: ASCII, no trailing dot, and never an IP literal (checked by the caller).
    if (!/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/.test(text))
      return 'a server name that is not an ASCII host name';
    name = text.toLowerCase();
  }
  return name === null ? 'a server_name extension without a host name' : { name };
}
