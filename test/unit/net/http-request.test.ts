// The proxy's request reader, one case per shape: what it serves, what it refuses (smuggling,
// folding, loops, relayed CONNECTs, Host mismatches, garbage) and with which status; the head it
// sends upstream; and where a chunked body ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedBodyScanner } from '../../../app/net/chunked-body.ts';
import {
  RequestHeadScanner,
  errorResponse,
  interpretRequest,
  parseAuthority,
  parseRequestHead,
  upstreamHead,
  type ProxyRequest,
  type Refusal,
} from '../../../app/net/http-request.ts';

/** Scans, parses and judges a head as the proxy does; the request or the refusal. */
function judge(text: string, maxBytes = 8192): ProxyRequest | Refusal {
  const bytes = Buffer.from(text, 'latin1');
  const scanned = new RequestHeadScanner(maxBytes).scan(bytes);
  if (scanned.status === 'more') throw new Error(`incomplete head: ${JSON.stringify(text)}`);
  if (scanned.status !== 'end') return scanned;
  const parsed = parseRequestHead(bytes.subarray(0, scanned.end));
  if (!parsed.ok) return parsed;
  const r = interpretRequest(parsed.head);
  return r.ok ? r.request : r;
}

function refused(text: string, status: number, reason: RegExp): void {
  const r = judge(text);
  assert.ok('ok' in r, `${JSON.stringify(text)} was accepted`);
  assert.equal(r.status, status, `${JSON.stringify(text)}: ${r.reason}`);
  assert.match(r.reason, reason);
}

function accepted(text: string): ProxyRequest {
  const r = judge(text);
  assert.ok(!('ok' in r), `${JSON.stringify(text)}: ${'reason' in r ? r.reason : ''}`);
  return r;
}

const H = 'Host: api.github.test:443\r\n';

test('CONNECT host:port is a tunnel request to the canonical host', () => {
  const r = accepted(`CONNECT API.GitHub.test:443 HTTP/1.1\r\n${H}\r\n`);
  assert.equal(r.kind, 'connect');
  assert.deepEqual(r.authority, { host: { kind: 'name', host: 'api.github.test' }, port: 443 });
  const v6 = accepted('CONNECT [::1]:8443 HTTP/1.1\r\n\r\n');
  assert.deepEqual(v6.authority, { host: { kind: 'ipv6', host: '::1' }, port: 8443 });
  const mapped = accepted('CONNECT [::ffff:127.0.0.1]:1 HTTP/1.0\r\n\r\n');
  assert.deepEqual(mapped.authority.host, { kind: 'ipv4', host: '127.0.0.1' });
});

test('CONNECT targets that are not host:port are refused', () => {
  for (const target of [
    'api.github.test',
    'api.github.test:',
    'a.test:0',
    'a.test:65536',
    '::1:443',
    'http://a.test:443',
    'a.test:443/x',
    'u@a.test:443',
    '[::1:443',
    'a.test:+443',
  ])
    refused(`CONNECT ${target} HTTP/1.1\r\n\r\n`, 400, /CONNECT needs host:port/);
});

test('a relayed CONNECT, a CONNECT with a body and a CONNECT whose Host disagrees are refused', () => {
  refused(`CONNECT a.test:443 HTTP/1.1\r\nVia: 1.1 squid\r\n\r\n`, 403, /relayed CONNECT/);
  refused(`CONNECT a.test:443 HTTP/1.1\r\nForwarded: for=1.2.3.4\r\n\r\n`, 403, /relayed CONNECT/);
  refused(`CONNECT a.test:443 HTTP/1.1\r\nContent-Length: 5\r\n\r\n`, 400, /with a body/);
  refused(`CONNECT a.test:443 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n`, 400, /with a body/);
  refused(
    `CONNECT a.test:443 HTTP/1.1\r\nHost: b.test:443\r\n\r\n`,
    400,
    /Host header names b\.test:443/,
  );
  refused(`CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:444\r\n\r\n`, 400, /Host header/);
  accepted(`CONNECT a.test:443 HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\n\r\n`);
});

test('a request that has already passed through this proxy is a loop (508)', () => {
  refused(`GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\nVia: 1.1 corral\r\n\r\n`, 508, /Via/);
  refused(
    `GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\nVia: 1.0 x, HTTP/1.1 Corral (c)\r\n\r\n`,
    508,
    /Via/,
  );
  refused(`CONNECT a.test:443 HTTP/1.1\r\nForwarded: for=x;by=corral\r\n\r\n`, 508, /Forwarded/);
  accepted(`GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\nVia: 1.1 corral-other\r\n\r\n`);
});

test('absolute http:// URIs are forwarded, with the Host header checked against them', () => {
  const r = accepted(
    `GET http://API.github.test:8080/x/y?q=1 HTTP/1.1\r\nHost: api.github.test:8080\r\n\r\n`,
  );
  assert.ok(r.kind === 'forward');
  assert.equal(r.path, '/x/y?q=1');
  assert.deepEqual(r.authority, { host: { kind: 'name', host: 'api.github.test' }, port: 8080 });
  const bare = accepted(`GET http://a.test HTTP/1.1\r\nHost: A.TEST:80\r\n\r\n`);
  assert.ok(bare.kind === 'forward' && bare.path === '/');
  const query = accepted(`GET HTTP://a.test?x HTTP/1.1\r\nHost: a.test\r\n\r\n`);
  assert.ok(query.kind === 'forward' && query.path === '/?x');
  accepted(`GET http://a.test/ HTTP/1.0\r\n\r\n`);
  refused(`GET http://a.test/ HTTP/1.1\r\n\r\n`, 400, /no Host header/);
  refused(
    `GET http://a.test/ HTTP/1.1\r\nHost: evil.test\r\n\r\n`,
    400,
    /Host header names evil\.test:80 but the request goes to a\.test:80/,
  );
  refused(`GET http://a.test:8080/ HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /Host header/);
  refused(
    `GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\nHost: a.test\r\n\r\n`,
    400,
    /more than one Host/,
  );
  refused(`GET http://a.test/ HTTP/1.1\r\nHost: a b\r\n\r\n`, 400, /not a host/);
});

test('targets a proxy does not serve are refused', () => {
  refused(`GET / HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /absolute http:\/\/ URI or CONNECT/);
  refused(`OPTIONS * HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /absolute/);
  refused(`GET https://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /tunnel it with CONNECT/);
  refused(`GET ftp://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /absolute/);
  refused(`GET http://user:pw@a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /credentials/);
  refused(`GET http://a.test/#x HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /fragment/);
  refused(`GET http:///x HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /not a host/);
  refused(`GET http://a..test/ HTTP/1.1\r\nHost: a.test\r\n\r\n`, 400, /not a host/);
});

test('request-smuggling shapes are refused', () => {
  const get = 'POST http://a.test/ HTTP/1.1\r\nHost: a.test\r\n';
  refused(
    `${get}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n`,
    400,
    /both Content-Length and Transfer-Encoding/,
  );
  refused(`${get}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n`, 400, /both/);
  refused(`${get}Content-Length: 5\r\nContent-Length: 6\r\n\r\n`, 400, /disagree/);
  refused(`${get}Content-Length: 5, 6\r\n\r\n`, 400, /disagree/);
  for (const v of ['+5', '0x5', '5.0', '-1', '', '1234567890123456'])
    refused(`${get}Content-Length: ${v}\r\n\r\n`, 400, /Content-Length/);
  refused(`${get}Transfer-Encoding: gzip, chunked\r\n\r\n`, 501, /only chunked/);
  refused(
    `${get}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n`,
    501,
    /only chunked/,
  );
  refused(`${get}Transfer-Encoding: xchunked\r\n\r\n`, 501, /only chunked/);
  refused(`POST http://a.test/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n`, 400, /HTTP\/1\.0/);
  refused(`${get}X-A: 1\r\n folded\r\n\r\n`, 400, /obs-fold/);
  refused(`${get}X-A: 1\r\n\tfolded\r\n\r\n`, 400, /obs-fold/);
  refused(`${get}Content-Length : 5\r\n\r\n`, 400, /field name/);
  refused(`${get}: 5\r\n\r\n`, 400, /field name/);
  refused(`${get}NoColon\r\n\r\n`, 400, /field name/);
  refused(`${get}X-A: 1\nX-B: 2\r\n\r\n`, 400, /bare LF/);
  refused(`${get}X-A: 1\rX-B: 2\r\n\r\n`, 400, /bare CR/);
  refused(`${get}X-A: a\0b\r\n\r\n`, 400, /control character/);
  const same = accepted(`${get}Content-Length: 5\r\ncontent-length: 5, 5\r\n\r\n`);
  assert.deepEqual(same.kind === 'forward' && same.body, { kind: 'length', length: 5 });
  const chunked = accepted(`${get}Transfer-Encoding: Chunked\r\n\r\n`);
  assert.deepEqual(chunked.kind === 'forward' && chunked.body, { kind: 'chunked' });
});

test('request lines that are not HTTP/1.x are refused from the first bad byte', () => {
  const scan = (text: string | Buffer) =>
    new RequestHeadScanner(8192).scan(
      typeof text === 'string' ? Buffer.from(text, 'latin1') : text,
    );
  assert.equal(scan(Buffer.from([0x16, 3, 1, 0, 200])).status, 400); // TLS sent to the proxy
  assert.equal(scan('GE').status, 'more');
  assert.equal(scan('G(T').status, 400);
  assert.equal(scan(' GET').status, 400);
  assert.equal(scan('GET  /').status, 400);
  assert.equal(scan('GET / HTTP/1.1 x').status, 400);
  assert.equal(scan('GET /\x01').status, 400);
  assert.equal(scan('\r\n').status, 400);
  assert.equal(scan('SSH-2.0-OpenSSH_9.6\r\n').status, 400);
  assert.equal(scan('GET /\r\n').status, 400);
  refused('GET http://a.test/ HTTP/2.0\r\nHost: a.test\r\n\r\n', 505, /HTTP\/2\.0/);
  refused('GET http://a.test/ http/1.1\r\nHost: a.test\r\n\r\n', 400, /request line/);
  refused('GET http://a.test/\r\nHost: a.test\r\n\r\n', 400, /request line/);
});

test('heads beyond the byte or field caps are refused with 414 or 431', () => {
  const long = `GET http://a.test/${'x'.repeat(200)} HTTP/1.1\r\n`;
  assert.equal(new RequestHeadScanner(100).scan(Buffer.from(long)).status, 414);
  const fields = `GET http://a.test/ HTTP/1.1\r\nX: ${'y'.repeat(200)}\r\n\r\n`;
  assert.equal(new RequestHeadScanner(100).scan(Buffer.from(fields)).status, 431);
  const exact = 'GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n';
  assert.equal(new RequestHeadScanner(exact.length).scan(Buffer.from(exact)).status, 'end');
  const many = `GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n${'X: 1\r\n'.repeat(300)}\r\n`;
  assert.equal((judge(many, 1 << 16) as Refusal).status, 431);
});

test('the upstream head drops hop-by-hop and proxy fields and sets Host, framing, Via and close', () => {
  const r = accepted(
    'POST http://API.github.test:8080/p?q HTTP/1.1\r\n' +
      'Host: api.github.test:8080\r\n' +
      'Proxy-Authorization: Basic c2VjcmV0\r\nProxy-Connection: keep-alive\r\n' +
      'Connection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: secret\r\n' +
      'TE: trailers\r\nUpgrade: websocket\r\nTrailer: X-T\r\n' +
      'Accept: */*\r\nX-Keep: 1\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\n',
  );
  assert.ok(r.kind === 'forward');
  assert.equal(
    upstreamHead(r),
    'POST /p?q HTTP/1.1\r\nHost: api.github.test:8080\r\nAccept: */*\r\nX-Keep: 1\r\n' +
      'Content-Length: 3\r\nVia: 1.1 corral\r\nConnection: close\r\n\r\n',
  );
  const v6 = accepted('GET http://[::1]/ HTTP/1.0\r\n\r\n');
  assert.ok(v6.kind === 'forward');
  assert.equal(
    upstreamHead(v6),
    'GET / HTTP/1.0\r\nHost: [::1]\r\nVia: 1.0 corral\r\nConnection: close\r\n\r\n',
  );
});

test('parseAuthority reads host[:port] strictly', () => {
  assert.deepEqual(parseAuthority('a.test', 80), {
    host: { kind: 'name', host: 'a.test' },
    port: 80,
  });
  assert.deepEqual(parseAuthority('[::1]:1', null), {
    host: { kind: 'ipv6', host: '::1' },
    port: 1,
  });
  for (const bad of ['a.test', ':443', '[::1]', '::1', 'a b:1', 'a.test:123456', 'a.test:1:2'])
    assert.equal(parseAuthority(bad, null), null, bad);
});

test('an error response is one self-describing, closed HTTP/1.1 response', () => {
  const r = errorResponse(403, 'no grant covers münchen.de:443');
  const [head, body] = r.split('\r\n\r\n');
  assert.match(head!, /^HTTP\/1\.1 403 Forbidden\r\n/);
  assert.match(head!, /\r\nConnection: close$/);
  assert.equal(Number(/Content-Length: (\d+)/.exec(head!)![1]), Buffer.byteLength(body!));
});

test('a chunked body ends after its last chunk and trailers, however it is cut', () => {
  const body = '5;ext=1\r\nhello\r\n1a\r\n' + 'x'.repeat(26) + '\r\n0\r\nX-T: 1\r\n\r\n';
  const after = 'GET http://next/ HTTP/1.1\r\n\r\n';
  const all = Buffer.from(body + after);
  for (let cut = 0; cut <= all.length; cut += 7) {
    const s = new ChunkedBodyScanner();
    const a = s.feed(all.subarray(0, cut));
    assert.ok(a.ok);
    const consumed = a.done
      ? a.consumed
      : cut + (s.feed(all.subarray(cut)) as { consumed: number }).consumed;
    assert.equal(consumed, body.length, `cut at ${cut}`);
  }
});

test('malformed chunked bodies are refused', () => {
  const bad = [
    '5 \r\nhello\r\n0\r\n\r\n',
    '0x5\r\nhello\r\n',
    '-1\r\n',
    'g\r\n',
    '\r\n',
    '5\nhello',
    '5\r\nhello!\r\n',
    '5\r\nhello\n',
    '3;a\0\r\n',
    '0\r\n folded\r\n\r\n',
    '0\r\nX: 1\n\r\n',
    '10000000000000\r\n',
    `1;${'e'.repeat(5000)}\r\n`,
  ];
  for (const b of bad) {
    const r = new ChunkedBodyScanner().feed(Buffer.from(b, 'latin1'));
    assert.equal(r.ok, false, JSON.stringify(b));
  }
  const s = new ChunkedBodyScanner();
  assert.equal(s.feed(Buffer.from('zz')).ok, false);
  assert.equal(s.feed(Buffer.from('0\r\n\r\n')).ok, false, 'a refused body stays refused');
});
