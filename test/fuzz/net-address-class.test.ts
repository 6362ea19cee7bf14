// Property tests of address classification: never a throw, and every spelling of one address
// (decimal, hex, octal, short IPv4; v4-mapped, expanded, upper-case, bracketed, zoned IPv6)
// lands in the same class; translation prefixes inherit a non-public embedded address's class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyAddress } from '../../app/policy/address-class.ts';

const byte = fc.integer({ min: 0, max: 255 });
const v4 = fc.tuple(byte, byte, byte, byte);
const word = fc.integer({ min: 0, max: 0xffff });
// Words biased towards the interesting prefixes, so the special ranges are actually hit.
const firstWord = fc.oneof(
  word,
  fc.constantFrom(0, 0x64, 0x100, 0x2001, 0x2002, 0x3fff, 0x5f00, 0xfc00, 0xfd00, 0xfe80, 0xff02),
);
const v6 = fc.tuple(
  firstWord,
  fc.oneof(word, fc.constantFrom(0, 0xdb8, 0xff9b, 0xec2, 2)),
  ...Array.from({ length: 6 }, () => fc.oneof(word, fc.constant(0))),
);

function ipv4Spellings([a, b, c, d]: number[]): string[] {
  const n = ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0;
  const hex = (x: number) => `0x${x.toString(16)}`;
  const oct = (x: number) => `0${x.toString(8)}`;
  const h = (x: number) => x.toString(16);
  return [
    `${a}.${b}.${c}.${d}`,
    String(n),
    hex(n),
    [a, b, c, d].map((x) => hex(x!)).join('.'),
    [a, b, c, d].map((x) => oct(x!)).join('.'),
    `${a}.${(b! << 16) | (c! << 8) | d!}`,
    `${a}.${b}.${(c! << 8) | d!}`,
    `::ffff:${a}.${b}.${c}.${d}`,
    `::FFFF:${h((a! << 8) | b!)}:${h((c! << 8) | d!)}`,
    `[0:0:0:0:0:ffff:${a}.${b}.${c}.${d}]`,
    `${a}.${b}.${c}.${d}.`,
  ];
}

function ipv6Spellings(w: number[]): string[] {
  const hex = w.map((x) => x.toString(16));
  const full = w.map((x) => x.toString(16).padStart(4, '0'));
  // The longest run of zero words, compressed to "::".
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > best[1]!) best = [i, j - i];
    i = j;
  }
  const compressed =
    best[0]! < 0
      ? hex.join(':')
      : `${hex.slice(0, best[0]).join(':')}::${hex.slice(best[0]! + best[1]!).join(':')}`;
  const tail = `${w[6]! >> 8}.${w[6]! & 255}.${w[7]! >> 8}.${w[7]! & 255}`;
  return [
    hex.join(':'),
    full.join(':'),
    full.join(':').toUpperCase(),
    compressed,
    `[${compressed}]`,
    `${hex.slice(0, 6).join(':')}:${tail}`,
    `${compressed}%eth0`,
  ];
}

test('classifyAddress never throws, and what it returns classifies again the same', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-fA-FxX.:[\]%]{0,45}$/)), (raw) => {
      const c = classifyAddress(raw);
      if (c === null) return;
      assert.deepEqual(classifyAddress(c.address), c);
    }),
    { numRuns: 5000 },
  );
});

test('every spelling of an IPv4 address classifies alike', () => {
  fc.assert(
    fc.property(v4, (bytes) => {
      const [first, ...rest] = ipv4Spellings(bytes).map((s) => [s, classifyAddress(s)] as const);
      assert.ok(first![1], `${first![0]} not classified`);
      for (const [spelling, c] of rest) assert.deepEqual(c, first![1], spelling);
    }),
    { numRuns: 2000 },
  );
});

test('every spelling of an IPv6 address classifies alike', () => {
  fc.assert(
    fc.property(v6, (words) => {
      const all = ipv6Spellings(words).map((s) => [s, classifyAddress(s)?.class] as const);
      for (const [spelling, cls] of all) assert.equal(cls, all[0]![1], spelling);
      assert.ok(all[0]![1], `${all[0]![0]} not classified`);
    }),
    { numRuns: 3000 },
  );
});

test('NAT64, 6to4 and Teredo addresses take a non-public embedded address’s class', () => {
  fc.assert(
    fc.property(v4, ([a, b, c, d]) => {
      const inner = classifyAddress(`${a}.${b}.${c}.${d}`)!.class;
      const hi = ((a! << 8) | b!).toString(16);
      const lo = ((c! << 8) | d!).toString(16);
      const inv = (x: number) => (x ^ 0xffff).toString(16);
      const expected = inner === 'public' ? 'public' : inner;
      assert.equal(classifyAddress(`64:ff9b::${hi}:${lo}`)?.class, expected);
      assert.equal(classifyAddress(`2002:${hi}:${lo}::1`)?.class, expected);
      const teredo = `2001:0:4136:e378:8000:63bf:${inv((a! << 8) | b!)}:${inv((c! << 8) | d!)}`;
      assert.equal(classifyAddress(teredo)?.class, expected);
    }),
    { numRuns: 2000 },
  );
});
