// Property tests of the ClientHello reader: arbitrary and mutated bytes never throw, any cut into
// records reads the same, and a name only ever comes out of a well-formed server_name extension.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseClientHello } from '../../app/net/tls-sni.ts';
import { buildClientHello, captureClientHello, sniBody, toRecords } from '../unit/net/support.ts';

let real: Buffer;
before(async () => {
  real = await captureClientHello({ servername: 'api.github.test' });
});

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const hostName = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));

test('arbitrary bytes never throw, and a verdict is one of the three shapes', () => {
  const handshakeLike = fc
    .tuple(
      fc.constantFrom(0x16),
      fc.constantFrom(3),
      fc.integer({ min: 0, max: 5 }),
      fc.uint8Array({ maxLength: 300 }),
    )
    .map(([a, b, c, rest]) => Uint8Array.from([a, b, c, ...rest]));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), handshakeLike), (bytes) => {
      const r = parseClientHello(bytes);
      assert.ok(['incomplete', 'invalid', 'ok'].includes(r.status));
      if (r.status === 'incomplete') assert.ok(r.need > bytes.length);
      if (r.status === 'ok') assert.ok(r.bytes <= bytes.length);
    }),
    { numRuns: 5000 },
  );
});

test('a real ClientHello with bytes flipped never throws, and never yields a malformed name', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 6,
      }),
      (flips) => {
        const bytes = Buffer.from(real);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        const r = parseClientHello(bytes);
        if (r.status === 'ok' && r.serverName !== null)
          assert.match(r.serverName, /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/);
      },
    ),
    { numRuns: 3000 },
  );
});

test('any cut of a real ClientHello into records reads the same, and every prefix is incomplete', () => {
  const body = () => real.subarray(5);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 10 }), (sizes) => {
      const records = toRecords(body(), sizes);
      assert.deepEqual(parseClientHello(records), {
        status: 'ok',
        serverName: 'api.github.test',
        bytes: records.length,
      });
      for (const cut of [0, 1, 4, 5, 6, records.length >> 1, records.length - 1])
        assert.equal(parseClientHello(records.subarray(0, cut)).status, 'incomplete');
    }),
    { numRuns: 500 },
  );
});

test('a name put into server_name comes out as written, lower-cased', () => {
  fc.assert(
    fc.property(hostName, fc.boolean(), (name, upper) => {
      const written = upper ? name.toUpperCase() : name;
      const r = parseClientHello(buildClientHello([[0, sniBody([[0, written]])]]));
      assert.deepEqual(r.status === 'ok' && r.serverName, name);
    }),
    { numRuns: 1000 },
  );
});
