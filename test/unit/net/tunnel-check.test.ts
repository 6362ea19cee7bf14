// What a CONNECT tunnel's first bytes must be: a ClientHello for the CONNECT host (or none/the
// address itself for an IP literal); chained CONNECTs, plain text and fronting are refused.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthority } from '../../../app/net/http-request.ts';
import { judgeFirstFlight } from '../../../app/net/tunnel-check.ts';
import { buildClientHello, captureClientHello, sniBody } from './support.ts';

const to = (authority: string) => parseAuthority(authority, null)!;
const named = (name: string) => buildClientHello([[0, sniBody([[0, name]])]]);
let real: Buffer;
before(async () => {
  real = await captureClientHello({ servername: 'api.github.test' });
});

test('a ClientHello for the CONNECT host passes, in any case and with a trailing dot on the CONNECT', () => {
  assert.equal(judgeFirstFlight(real, to('api.github.test:443')), 'ok');
  assert.equal(judgeFirstFlight(real, to('API.GitHub.test.:443')), 'ok');
  assert.equal(judgeFirstFlight(named('XN--MNCHEN-3YA.de'), to('münchen.de:443')), 'ok');
});

test('a ClientHello for another name, or for none, is refused for a CONNECT to a name', () => {
  assert.equal(
    judgeFirstFlight(real, to('github.test:443')),
    'the ClientHello names api.github.test, but the CONNECT was for github.test:443',
  );
  assert.equal(
    judgeFirstFlight(buildClientHello(null), to('a.test:443')),
    'the ClientHello names no server, but the CONNECT was for a.test:443',
  );
});

test('an IP-literal CONNECT takes no SNI or the address itself, never a name (fronting)', () => {
  assert.equal(judgeFirstFlight(buildClientHello(null), to('203.0.113.9:443')), 'ok');
  assert.equal(judgeFirstFlight(named('203.0.113.9'), to('203.0.113.9:443')), 'ok');
  assert.equal(
    judgeFirstFlight(named('allowed.example'), to('203.0.113.9:443')),
    'the ClientHello names allowed.example, but the CONNECT was for the address 203.0.113.9:443',
  );
  assert.match(String(judgeFirstFlight(named('203.0.113.8'), to('203.0.113.9:443'))), /names/);
  assert.match(
    String(judgeFirstFlight(named('x.test'), to('[2001:db8::1]:443'))),
    /\[2001:db8::1\]/,
  );
});

test('a prefix asks for more bytes; a CONNECT or plain text in the tunnel is refused', () => {
  assert.deepEqual(judgeFirstFlight(Buffer.alloc(0), to('a.test:443')), { need: 1 });
  assert.deepEqual(judgeFirstFlight(real.subarray(0, 3), to('a.test:443')), { need: 5 });
  assert.deepEqual(judgeFirstFlight(real.subarray(0, 10), to('a.test:443')), { need: real.length });
  assert.deepEqual(judgeFirstFlight(Buffer.from('CONN'), to('a.test:443')), { need: 8 });
  assert.equal(
    judgeFirstFlight(Buffer.from('CONNECT b.test:443 HTTP/1.1'), to('a.test:443')),
    'a CONNECT inside a CONNECT (a chained proxy)',
  );
  for (const text of ['GET / HTTP/1.1', 'CONNECTX', 'connect ', 'SSH-2.0'])
    assert.equal(
      judgeFirstFlight(Buffer.from(text), to('a.test:443')),
      'the tunnel does not start with a TLS ClientHello (CONNECT carries TLS only)',
      text,
    );
});
