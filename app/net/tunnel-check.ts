// What a CONNECT tunnel may carry: TLS whose ClientHello names the host the CONNECT was granted
// for. A chained CONNECT, plain text, or a ClientHello for another name (domain fronting onto a
// shared address) is refused before a byte reaches the server.
// Pure: no node:* imports.
import { canonicalHost } from '../policy/host-names.ts';
import { formatAuthority, type Authority } from './http-request.ts';
import { parseClientHello } from './tls-sni.ts';

/**
 * Judges a tunnel's first bytes: a ClientHello whose SNI is the CONNECT host (none, or the address
 * itself, for an IP literal). `{ need }` until that can be said; then 'ok' or the refusal.
 */
export function judgeFirstFlight(peek: Uint8Array, target: Authority): { need: number } | string {
  const CONNECT = 'CONNECT ';
  if (peek.length === 0) return { need: 1 };
  if (peek[0] !== 0x16) {
    const n = Math.min(peek.length, CONNECT.length);
    if (String.fromCharCode(...peek.subarray(0, n)) !== CONNECT.slice(0, n))
      return 'the tunnel does not start with a TLS ClientHello (CONNECT carries TLS only)';
    return n < CONNECT.length
      ? { need: CONNECT.length }
      : 'a CONNECT inside a CONNECT (a chained proxy)';
  }
  const hello = parseClientHello(peek);
  if (hello.status === 'incomplete') return { need: hello.need };
  if (hello.status === 'invalid') return `not a valid TLS ClientHello: ${hello.reason}`;
  const sni = hello.serverName;
  const shown = formatAuthority(target);
  if (target.host.kind === 'name') {
    if (sni === null) return `the ClientHello names no server, but the CONNECT was for ${shown}`;
    if (canonicalHost(sni)?.host !== target.host.host)
      return `the ClientHello names ${sni}, but the CONNECT was for ${shown}`;
    return 'ok';
  }
  // RFC 6066 forbids an IP literal in SNI; tolerate the address itself, refuse any name (fronting).
  if (sni !== null && canonicalHost(sni)?.host !== target.host.host)
    return `the ClientHello names ${sni}, but the CONNECT was for the address ${shown}`;
  return 'ok';
}
