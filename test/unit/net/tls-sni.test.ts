// The ClientHello reader against real node:tls ClientHellos and hand-built edge cases: the name a
// server would see, no name for an IP literal, and refusal of every ambiguous shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientHello } from '../../../app/net/tls-sni.ts';
import { buildClientHello, captureClientHello, sniBody, toRecords } from './support.ts';

test('a real TLS 1.3 ClientHello from node:tls yields its server name, lower-cased', async () => {
  const hello = await captureClientHello({ servername: 'API.GitHub.test' });
  assert.deepEqual(parseClientHello(hello), {
    status: 'ok',
    serverName: 'api.github.test',
    bytes: hello.length,
  });
});

test('a real TLS 1.2 ClientHello yields its server name too', async () => {
  const hello = await captureClientHello({ servername: 'a.b.example', maxVersion: 'TLSv1.2' });
  const r = parseClientHello(hello);
  assert.equal(r.status === 'ok' && r.serverName, 'a.b.example');
});

test('a client connecting to an IP address sends no server name', async () => {
  const hello = await captureClientHello({});
  assert.deepEqual(parseClientHello(hello), {
    status: 'ok',
    serverName: null,
    bytes: hello.length,
  });
});

test('every strict prefix of a ClientHello is incomplete, and says how much more it needs', async () => {
  const hello = await captureClientHello({ servername: 'api.github.test' });
  for (let n = 0; n < hello.length; n++) {
    const r = parseClientHello(hello.subarray(0, n));
    assert.equal(r.status, 'incomplete', `prefix ${n}`);
    assert.ok(r.status === 'incomplete' && r.need > n && r.need <= hello.length, `prefix ${n}`);
  }
});

test('a ClientHello split over several records is reassembled', async () => {
  const hello = await captureClientHello({ servername: 'api.github.test' });
  const split = toRecords(hello.subarray(5), [1, 3, 40, 100]);
  const r = parseClientHello(split);
  assert.deepEqual(r, { status: 'ok', serverName: 'api.github.test', bytes: split.length });
});

test('bytes after the ClientHello records (early data) are not part of it', async () => {
  const hello = await captureClientHello({ servername: 'x.test' });
  const r = parseClientHello(Buffer.concat([hello, Buffer.from([0x17, 3, 3, 0, 1, 0])]));
  assert.deepEqual(r, { status: 'ok', serverName: 'x.test', bytes: hello.length });
});

test('a ClientHello without extensions, or without SNI, has no server name', () => {
  assert.deepEqual(parseClientHello(buildClientHello(null)), {
    status: 'ok',
    serverName: null,
    bytes: buildClientHello(null).length,
  });
  const r = parseClientHello(buildClientHello([[0x2b, Buffer.from([2, 3, 4])]]));
  assert.equal(r.status === 'ok' && r.serverName, null);
});

test('ambiguous or malformed server names are refused', () => {
  const cases: [string, Buffer][] = [
    [
      'extension 0 appears twice',
      buildClientHello([
        [0, sniBody([[0, 'a.test']])],
        [0, sniBody([[0, 'b.test']])],
      ]),
    ],
    [
      'two host names in server_name',
      buildClientHello([
        [
          0,
          sniBody([
            [0, 'a.test'],
            [0, 'b.test'],
          ]),
        ],
      ]),
    ],
    ['not an ASCII host name', buildClientHello([[0, sniBody([[0, 'a.test.']])]])],
    ['not an ASCII host name', buildClientHello([[0, sniBody([[0, 'a\0.test']])]])],
    ['not an ASCII host name', buildClientHello([[0, sniBody([[0, 'münchen.de']])]])],
    ['a server name of 0 bytes', buildClientHello([[0, sniBody([[0, '']])]])],
    ['without a host name', buildClientHello([[0, sniBody([[1, 'x']])]])],
    ['a malformed server_name list', buildClientHello([[0, Buffer.from([0, 9, 0, 0, 1, 0x61])]])],
    ['a malformed server_name list', buildClientHello([[0, Buffer.alloc(0)]])],
  ];
  for (const [reason, bytes] of cases) {
    const r = parseClientHello(bytes);
    assert.equal(r.status, 'invalid', reason);
    assert.ok(
      r.status === 'invalid' && r.reason.includes(reason),
      `${reason}: ${JSON.stringify(r)}`,
    );
  }
});

test('other name types beside one host name are skipped', () => {
  const r = parseClientHello(
    buildClientHello([
      [
        0,
        sniBody([
          [7, 'whatever'],
          [0, 'A.test'],
        ]),
      ],
    ]),
  );
  assert.equal(r.status === 'ok' && r.serverName, 'a.test');
});

test('what is not a ClientHello is refused from the first bytes', () => {
  const refusals: [string, Buffer][] = [
    ['not a TLS handshake record', Buffer.from('CONNECT a:443 HTTP/1.1\r\n\r\n')],
    ['not a TLS handshake record', Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01])], // SSLv2
    ['not a TLS 1.x record', Buffer.from([0x16, 2, 0, 0, 4])],
    ['a TLS record of 0 bytes', Buffer.from([0x16, 3, 1, 0, 0])],
    ['a TLS record of 16385 bytes', Buffer.from([0x16, 3, 1, 0x40, 0x01])],
    ['not a ClientHello', Buffer.from([0x16, 3, 1, 0, 4, 2, 0, 0, 0])],
    ['a ClientHello of 65541 bytes', Buffer.from([0x16, 3, 1, 0, 4, 1, 1, 0, 1])],
    ['the ClientHello is interrupted', Buffer.from([0x16, 3, 1, 0, 1, 1, 0x17, 3, 3, 0, 1])],
  ];
  for (const [reason, bytes] of refusals)
    assert.deepEqual(parseClientHello(bytes), { status: 'invalid', reason }, reason);
});

test('a ClientHello cut into more than 16 records is refused', () => {
  const body = buildClientHello([[0, sniBody([[0, 'a.test']])]]).subarray(5);
  const r = parseClientHello(
    toRecords(
      body,
      Array.from({ length: 20 }, () => 1),
    ),
  );
  assert.equal(r.status, 'invalid');
});

test('trailing bytes inside the last handshake record are refused', () => {
  const body = buildClientHello(null).subarray(5);
  const r = parseClientHello(toRecords(Buffer.concat([body, Buffer.from([1, 0, 0, 0])])));
  assert.deepEqual(r, {
    status: 'invalid',
    reason: 'trailing handshake bytes after the ClientHello',
  });
});
