// Property tests of the proxy's request reader: any bytes, cut anywhere, never throw and give the
// same verdict; every head we would send upstream is clean (one Host, one framing, no hop-by-hop
// or proxy fields); chunked bodies end exactly where their encoder ended them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChunkedBodyScanner } from '../../app/net/chunked-body.ts';
import {
  RequestHeadScanner,
  interpretRequest,
  parseRequestHead,
  upstreamHead,
  type ScanResult,
} from '../../app/net/http-request.ts';

const fieldName = fc.constantFrom(
  'Host',
  'host',
  'Content-Length',
  'Transfer-Encoding',
  'Connection',
  'Proxy-Connection',
  'Proxy-Authorization',
  'Keep-Alive',
  'Upgrade',
  'TE',
  'Via',
  'Forwarded',
  'X-Custom',
  'Accept',
  'Content Length',
  '',
);
const fieldValue = fc.oneof(
  fc.constantFrom(
    'a.test',
    'a.test:80',
    'b.test',
    '5',
    '5, 5',
    '5, 6',
    'chunked',
    'gzip, chunked',
    'close, X-Custom',
    'keep-alive',
    '1.1 corral',
    'by=corral',
    'Basic eA==',
  ),
  fc.string({ maxLength: 12 }),
);
const eol = fc.oneof(
  { weight: 10, arbitrary: fc.constant('\r\n') },
  fc.constantFrom('\n', '\r', '\r\n ', '\r\n\t'),
);
const requestLine = fc.oneof(
  fc.constantFrom(
    'GET http://a.test/ HTTP/1.1',
    'POST http://a.test:80/x?y HTTP/1.1',
    'GET http://a.test/ HTTP/1.0',
    'CONNECT a.test:443 HTTP/1.1',
    'CONNECT [::1]:443 HTTP/1.1',
    'GET / HTTP/1.1',
    'GET https://a.test/ HTTP/1.1',
  ),
  fc.string({ maxLength: 40 }),
);
// Most heads carry a matching Host first, so that a fair share reaches the upstream-head checks.
const head = fc
  .tuple(
    requestLine,
    fc.integer({ min: 0, max: 9 }).map((n) => (n < 8 ? 'Host: a.test\r\n' : '')),
    fc.array(fc.tuple(fieldName, fieldValue, eol), { maxLength: 8 }),
    eol,
  )
  .map(
    ([line, host, fields, end]) =>
      line + '\r\n' + host + fields.map(([n, v, e]) => `${n}: ${v}${e}`).join('') + end,
  );

const bytesOf = (s: string) => Buffer.from(s, 'latin1');

function scanInPieces(bytes: Buffer, cuts: number[]): ScanResult {
  const scanner = new RequestHeadScanner(4096);
  let result: ScanResult = { status: 'more' };
  for (const cut of [
    ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b),
    bytes.length,
  ]) {
    result = scanner.scan(bytes.subarray(0, cut));
    if (result.status !== 'more') return result;
  }
  return result;
}

test('any bytes, cut anywhere, get the same scan verdict and never throw', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        head.map(bytesOf),
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      ),
      fc.array(fc.nat(), { maxLength: 6 }),
      (bytes, cuts) => {
        const whole = new RequestHeadScanner(4096).scan(bytes);
        assert.deepEqual(scanInPieces(bytes, cuts), whole);
        if (whole.status !== 'end') return;
        const parsed = parseRequestHead(bytes.subarray(0, whole.end));
        if (parsed.ok) interpretRequest(parsed.head);
      },
    ),
    { numRuns: 4000 },
  );
});

test('what the scanner lets through, the strict parser agrees ends there', () => {
  fc.assert(
    fc.property(head, (text) => {
      const bytes = bytesOf(text);
      const scanned = new RequestHeadScanner(4096).scan(bytes);
      const parsed = parseRequestHead(bytes);
      if (scanned.status === 'end' && scanned.end === bytes.length) return;
      // The scanner refused or wants more: the parser must not accept the same bytes as a head.
      if (scanned.status !== 'end') assert.equal(parsed.ok, false, JSON.stringify(text));
    }),
    { numRuns: 4000 },
  );
});

test('every head sent upstream has one Host, one framing, Via and close, and no proxy fields', () => {
  const hop = /^(connection|keep-alive|proxy-connection|proxy-authorization|te|trailer|upgrade)$/i;
  let forwarded = 0;
  fc.assert(
    fc.property(head, (text) => {
      const parsed = parseRequestHead(bytesOf(text));
      if (!parsed.ok) return;
      const r = interpretRequest(parsed.head);
      if (!r.ok || r.request.kind !== 'forward') return;
      forwarded++;
      const out = parseRequestHead(bytesOf(upstreamHead(r.request)));
      assert.ok(out.ok, upstreamHead(r.request));
      const names = out.head.headers.map(([n]) => n.toLowerCase());
      const custom = parsed.head.headers
        .filter(([n]) => n.toLowerCase() === 'connection')
        .flatMap(([, v]) => v.split(',').map((t) => t.trim().toLowerCase()));
      assert.equal(names.filter((n) => n === 'host').length, 1);
      assert.ok(
        names.filter((n) => n === 'content-length' || n === 'transfer-encoding').length <= 1,
      );
      assert.equal(out.head.headers.at(-1)?.join(': '), 'Connection: close');
      assert.ok(names.includes('via'));
      for (const n of names.slice(0, -1)) {
        assert.ok(!hop.test(n), `${n} was forwarded`);
        assert.ok(!custom.includes(n), `${n}, named in Connection, was forwarded`);
      }
      assert.match(out.head.target, /^\//);
    }),
    { numRuns: 4000 },
  );
  assert.ok(
    forwarded > 100,
    `only ${forwarded} requests were forwardable; the generator is too narrow`,
  );
});

/** Chunk-encodes pieces (with optional extensions and trailers) as a client would. */
function encodeChunked(pieces: string[], ext: boolean, trailers: string[]): string {
  const chunks = pieces
    .filter((p) => p.length > 0)
    .map((p) => `${Buffer.byteLength(p, 'latin1').toString(16)}${ext ? ';e=1' : ''}\r\n${p}\r\n`);
  return chunks.join('') + '0\r\n' + trailers.map((t) => `X-${t}: 1\r\n`).join('') + '\r\n';
}

test('a chunked body ends exactly where its encoder ended it, however it arrives', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ maxLength: 40 }), { maxLength: 6 }),
      fc.boolean(),
      fc.array(fc.stringMatching(/^[A-Za-z]{1,5}$/), { maxLength: 2 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      (pieces, ext, trailers, cuts) => {
        const body = bytesOf(encodeChunked(pieces, ext, trailers));
        const all = Buffer.concat([body, bytesOf('GET http://smuggled/ HTTP/1.1\r\n\r\n')]);
        const s = new ChunkedBodyScanner();
        let at = 0;
        let total = 0;
        for (const cut of [
          ...cuts.map((c) => c % (all.length + 1)).sort((a, b) => a - b),
          all.length,
        ]) {
          if (cut <= at) continue;
          const r = s.feed(all.subarray(at, cut));
          assert.ok(r.ok, r.ok ? '' : r.reason);
          total += r.consumed;
          at = cut;
          if (r.done) break;
        }
        assert.equal(total, body.length);
      },
    ),
    { numRuns: 2000 },
  );
});

test('arbitrary bytes never throw the chunked scanner', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 6 }), (pieces) => {
      const s = new ChunkedBodyScanner();
      for (const p of pieces) {
        const r = s.feed(p);
        if (!r.ok || r.done) break;
        assert.equal(r.consumed, p.length);
      }
    }),
    { numRuns: 3000 },
  );
});
