// Property tests of path normalisation and path decisions against a naive oracle, and the
// invariant that a denied target stays denied under every other spelling of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileDecider, type FsOp } from '../../app/policy/decide.ts';
import { normalizeAbsolutePath } from '../../app/policy/paths.ts';
import { absolutePathSchema } from '../../app/sandbox/plan.ts';
import { compiled, VARS } from '../unit/policy/support.ts';

const noPrivate = { ...VARS, extensionData: '', tmp: '' };

/** The obvious, slow normaliser the fast one must agree with. */
function naiveNormalize(path: string): string | null {
  if (!path.startsWith('/') || path.includes('\0')) return null;
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  return segs.includes('..') ? null : '/' + segs.join('/');
}

const seg = fc.constantFrom(
  'a',
  'b',
  'ab',
  'A',
  '.',
  '..',
  '',
  '...',
  '.a',
  'é',
  'e\u0301',
  '\u0430',
  'ａ',
  'x y',
  '\0',
);
const rawPath = fc
  .array(seg, { maxLength: 7 })
  .map((s) => (s.length && s[0] === '' ? '' : '/') + s.join('/'));

test('normalisation matches the naive definition, is idempotent, and yields plan-valid paths', () => {
  fc.assert(
    fc.property(fc.oneof(rawPath, fc.string()), (p) => {
      const n = normalizeAbsolutePath(p);
      assert.equal(n, naiveNormalize(p));
      if (n === null) return;
      assert.equal(normalizeAbsolutePath(n), n);
      if (!n.includes('\n')) assert.ok(absolutePathSchema.safeParse(n).success, n);
    }),
    { numRuns: 3000 },
  );
});

// Grants and targets over a small tree, so that they often meet.
const name = fc.constantFrom('a', 'b', 'ab', 'c');
const grantRoot = fc.array(name, { minLength: 1, maxLength: 3 }).map((s) => '/' + s.join('/'));
const grants = fc.array(
  fc.record({ path: grantRoot, access: fc.constantFrom('read' as const, 'write' as const) }),
  { minLength: 1, maxLength: 6 },
);
const target = fc.array(name, { maxLength: 5 }).map((s) => '/' + s.join('/'));
const op = fc.constantFrom<FsOp>('read', 'write', 'list', 'stat');

function oracle(roots: { path: string; access: string }[], path: string, o: FsOp): boolean {
  return roots.some(
    (g) =>
      (path === g.path || path.startsWith(g.path + '/')) && (o !== 'write' || g.access === 'write'),
  );
}

/** Other spellings of the same path: "./" segments, doubled slashes, a trailing slash. */
const respell = (path: string, choices: number[]) =>
  path
    .split('/')
    .map((s, i) =>
      s === '' ? s : [s, `./${s}`, `${s}/.`, `/${s}`][choices[i % choices.length]! % 4],
    )
    .join('/') + (choices[0]! % 2 ? '/' : '');

test('path decisions agree with a naive scan of the grants', () => {
  fc.assert(
    fc.property(grants, target, op, (g, t, o) => {
      const d = compileDecider(compiled({ fs: g }, {}, {}, noPrivate))({
        kind: 'fs',
        op: o,
        path: t,
      });
      assert.equal(
        d.decision === 'allow',
        oracle(g, t, o),
        `${JSON.stringify(g)} ${o} ${t} → ${d.reason}`,
      );
      if (d.decision === 'allow') assert.match(d.reason, /^grant fs\[\d+\]$/);
    }),
    { numRuns: 1500 },
  );
});

test('a denied target stays denied under any spelling: "./", "//", trailing "/"', () => {
  fc.assert(
    fc.property(
      grants,
      target,
      op,
      fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
      (g, t, o, choices) => {
        const decider = compileDecider(compiled({ fs: g }, {}, {}, noPrivate));
        const plain = decider({ kind: 'fs', op: o, path: t });
        const spelled = decider({ kind: 'fs', op: o, path: respell(t, choices) });
        assert.equal(spelled.decision, plain.decision, `${t} vs ${respell(t, choices)}`);
      },
    ),
    { numRuns: 1500 },
  );
});

test('case changes and Unicode look-alikes of a path never inherit its grant', () => {
  const lookalike: Record<string, string[]> = {
    a: ['A', '\u0430', 'ａ', '\u00e0'],
    b: ['B', '\u0184', 'ｂ'],
    c: ['C', '\u0441', 'ｃ'],
  };
  fc.assert(
    fc.property(grants, target, fc.nat(), fc.nat(), op, (g, rest, at, pick, o) => {
      const root = g[at % g.length]!.path;
      const chars = [...root];
      const positions = chars.map((c, i) => (lookalike[c] ? i : -1)).filter((i) => i >= 0);
      const i = positions[at % positions.length]!;
      const options = lookalike[chars[i]!]!;
      chars[i] = options[pick % options.length]!;
      const variant = chars.join('') + (rest === '/' ? '' : rest);
      const d = compileDecider(compiled({ fs: g }, {}, {}, noPrivate))({
        kind: 'fs',
        op: o,
        path: variant,
      });
      // Grants are lower-case ASCII, so only a shorter grant above the changed letter may cover it.
      assert.equal(d.decision === 'allow', oracle(g, variant, o), `${root} → ${variant}`);
      assert.ok(
        !(
          d.decision === 'allow' &&
          d.reason === `grant fs[${at % g.length}]` &&
          !oracle([g[at % g.length]!], variant, o)
        ),
      );
    }),
    { numRuns: 1500 },
  );
});

test('".." anywhere in a request is denied, whatever the grants', () => {
  fc.assert(
    fc.property(grants, target, fc.nat({ max: 5 }), (g, t, at) => {
      const segs = t.split('/');
      segs.splice(1 + (at % segs.length), 0, '..');
      const d = compileDecider(
        compiled({ fs: [...g, { path: '/', access: 'write' }] }, {}, {}, noPrivate),
      )({ kind: 'fs', op: 'read', path: segs.join('/') || '/..' });
      assert.equal(d.decision, 'deny');
    }),
    { numRuns: 500 },
  );
});
