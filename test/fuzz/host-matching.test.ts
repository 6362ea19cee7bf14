// Property tests of host canonicalisation and matching: no crash, both code paths agree, every
// spelling of a host is decided alike, and look-alikes or suffix tricks never inherit a grant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileDecider } from '../../app/policy/decide.ts';
import { canonicalHost, slowCanonicalHost } from '../../app/policy/host-names.ts';
import type { NetGrant } from '../../app/policy/manifest.ts';
import { compiled, VARS } from '../unit/policy/support.ts';

const label = fc.constantFrom('a', 'b', 'ab', 'api', 'github', 'com', 'x-y', '1a');
const hostName = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
const grant = fc.record({
  host: fc.tuple(fc.boolean(), hostName).map(([w, h]) => (w ? `*.${h}` : h)),
  ports: fc.constantFrom<number[]>([443], [80, 443], [8443]),
});
const grants = fc.array(grant, { minLength: 1, maxLength: 6 });
const port = fc.constantFrom(80, 443, 8443);

function decider(g: NetGrant[]) {
  return compileDecider(compiled({ net: g }, {}, {}, VARS));
}

/** The obvious matcher: exact host, or a strict subdomain of a wildcard's suffix; port listed. */
function oracle(g: NetGrant[], host: string, p: number): boolean {
  return g.some((x) => {
    const ports = x.ports ?? [443];
    if (!ports.includes(p)) return false;
    return x.host.startsWith('*.') ? host.endsWith(x.host.slice(1)) : host === x.host;
  });
}

test('canonicalHost never throws, its fast path agrees with the slow path, and it is idempotent', () => {
  const hosty = fc.stringMatching(/^[a-zA-Z0-9.:[\]%*_\-\u00e0-\u00ff\uff41-\uff5a\u3002]{0,24}$/);
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), hosty, hostName), (raw) => {
      const c = canonicalHost(raw);
      assert.deepEqual(
        c,
        slowCanonicalHost(raw),
        `fast and slow paths differ on ${JSON.stringify(raw)}`,
      );
      if (c === null) return;
      const again = canonicalHost(c.kind === 'ipv6' ? `[${c.host}]` : c.host);
      assert.deepEqual(again, c, `${raw} → ${c.host}`);
      assert.match(c.host, /^[a-z0-9_.:-]+$/);
    }),
    { numRuns: 4000 },
  );
});

test('host decisions agree with the obvious matcher (exact, "*." strict subdomains, ports)', () => {
  fc.assert(
    fc.property(grants, hostName, port, (g, host, p) => {
      const d = decider(g)({ kind: 'net', host, port: p });
      assert.equal(
        d.decision === 'allow',
        oracle(g, host, p),
        `${JSON.stringify(g)} ${host}:${p} → ${d.reason}`,
      );
    }),
    { numRuns: 2000 },
  );
});

test('a wildcard never matches its apex, nor a name that merely ends with its suffix', () => {
  fc.assert(
    fc.property(hostName, label, port, (suffix, prefix, p) => {
      const d = decider([{ host: `*.${suffix}`, ports: [p] }]);
      assert.equal(d({ kind: 'net', host: suffix, port: p }).decision, 'deny');
      assert.equal(d({ kind: 'net', host: `${prefix}${suffix}`, port: p }).decision, 'deny');
      assert.equal(d({ kind: 'net', host: `${suffix}.zz`, port: p }).decision, 'deny');
      assert.equal(d({ kind: 'net', host: `${prefix}.${suffix}`, port: p }).decision, 'allow');
    }),
    { numRuns: 1000 },
  );
});

const fullwidth = (s: string) =>
  [...s].map((c) => (/[a-z]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');

test('a denied host stays denied (and an allowed one allowed) under case, trailing dot and fullwidth spellings', () => {
  fc.assert(
    fc.property(
      grants,
      hostName,
      port,
      fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
      fc.constantFrom('case', 'dot', 'fullwidth', 'ideographic-dot'),
      (g, host, p, flips, how) => {
        const d = decider(g);
        const spelled =
          how === 'case'
            ? [...host].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('')
            : how === 'dot'
              ? `${host}.`
              : how === 'fullwidth'
                ? fullwidth(host)
                : host.replace(/\./g, '\u3002');
        assert.equal(
          d({ kind: 'net', host: spelled, port: p }).decision,
          d({ kind: 'net', host, port: p }).decision,
          `${host} vs ${spelled}`,
        );
      },
    ),
    { numRuns: 1500 },
  );
});

test('a Unicode look-alike of a granted host is a different host and does not get its exact grant', () => {
  const swaps: Record<string, string> = {
    a: '\u0430',
    b: '\u0184',
    c: '\u0441',
    i: '\u0456',
    o: '\u043e',
    p: '\u0440',
    x: '\u0445',
    y: '\u0443',
  };
  fc.assert(
    fc.property(hostName, fc.nat(), (host, at) => {
      const chars = [...host];
      const positions = chars.map((c, i) => (swaps[c] ? i : -1)).filter((i) => i >= 0);
      if (positions.length === 0) return;
      const i = positions[at % positions.length]!;
      chars[i] = swaps[chars[i]!]!;
      const lookalike = chars.join('');
      const c = canonicalHost(lookalike);
      assert.notEqual(c?.host, host);
      assert.equal(
        decider([{ host }])({ kind: 'net', host: lookalike, port: 443 }).decision,
        'deny',
      );
    }),
    { numRuns: 1000 },
  );
});

test('every spelling of an IPv4 address is the same target: dotted, integer, hex, v4-mapped IPv6', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), (n, granted) => {
      const bytes = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
      const dotted = bytes.join('.');
      const d = decider(granted ? [{ host: dotted }] : [{ host: '192.0.2.1' }]);
      const expected = d({ kind: 'net', host: dotted, port: 443 }).decision;
      if (dotted !== '192.0.2.1') assert.equal(expected, granted ? 'allow' : 'deny');
      const hex = (x: number) => x.toString(16);
      for (const spelling of [
        String(n),
        `0x${hex(n)}`,
        `::ffff:${dotted}`,
        `[::ffff:${hex(n >>> 16)}:${hex(n & 0xffff)}]`,
        `[0:0:0:0:0:FFFF:${dotted}]`,
      ]) {
        assert.equal(d({ kind: 'net', host: spelling, port: 443 }).decision, expected, spelling);
      }
    }),
    { numRuns: 1000 },
  );
});

test('IPv6 addresses match in any spelling; ports outside 1-65535 are always denied', () => {
  fc.assert(
    fc.property(
      fc.ipV6(),
      fc.oneof(fc.integer({ min: -10, max: 0 }), fc.integer({ min: 65536, max: 1e6 }), fc.double()),
      (ip, badPort) => {
        const d = decider([{ host: ip, ports: [443] }]);
        const canonical = canonicalHost(ip)!;
        assert.equal(
          d({ kind: 'net', host: `[${ip.toUpperCase()}]`, port: 443 }).decision,
          'allow',
          ip,
        );
        assert.equal(
          d({ kind: 'net', host: canonical.kind === 'ipv6' ? canonical.host : ip, port: 443 })
            .decision,
          'allow',
        );
        assert.equal(d({ kind: 'net', host: ip, port: badPort }).decision, 'deny');
      },
    ),
    { numRuns: 1000 },
  );
});
