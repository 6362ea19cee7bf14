// Entry names: every trick that would put a file outside the package, or make two readers see
// different trees, is refused; what passes is normalised and stays inside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EntrySet, normalizeEntryName } from '../../../app/package/entry-name.ts';

test('normalises harmless spellings and refuses escapes, with the reason', () => {
  const cases: [string, string | RegExp][] = [
    ['corral.json', 'corral.json'],
    ['./dist/index.js', 'dist/index.js'],
    ['dist//a/./b/', 'dist/a/b'],
    ['./', ''],
    ['../evil.sh', /leaves the package/],
    ['dist/../../evil.sh', /leaves the package/],
    ['a/..', /leaves the package/],
    ['/etc/passwd', /absolute path/],
    ['C:/Windows/x', /drive letter/],
    ['c:evil', /drive letter/],
    ['..\\evil.sh', /backslash/],
    ['dist\\..\\..\\x', /backslash/],
    ['a\0b', /NUL/],
    ['a\nb', /control character/],
    ['a\x7f', /control character/],
    ['x'.repeat(256), /longer than 255 bytes/],
    [Array(33).fill('d').join('/'), /deeper than 32/],
    [Array(300).fill('abcd').join('/'), /longer than 1024 bytes|deeper/],
  ];
  for (const [raw, want] of cases) {
    const r = normalizeEntryName(raw);
    if (typeof want === 'string') assert.deepEqual(r, { ok: true, path: want }, raw);
    else {
      assert.equal(r.ok, false, raw);
      assert.match((r as { reason: string }).reason, want, raw);
    }
  }
});

test('property: an accepted name is relative, has no "." or ".." segment, and is stable', () => {
  const segment = fc.oneof(
    fc.constantFrom('.', '..', '', 'a', 'B', '\\', 'C:', '\0', 'ü', 'x y'),
    fc.string({ maxLength: 6 }),
  );
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, lead) => {
      const raw = (lead ? '/' : '') + segments.join('/');
      const r = normalizeEntryName(raw);
      if (!r.ok) return;
      assert.ok(!r.path.startsWith('/'), raw);
      assert.ok(!r.path.split('/').some((s) => s === '..' || s === '.'), raw);
      assert.ok(!r.path.includes('\\') && !r.path.includes('\0'), raw);
      assert.deepEqual(normalizeEntryName(r.path), r);
    }),
  );
});

test('an entry set refuses duplicates, file/folder clashes and case or Unicode twins', () => {
  const set = new EntrySet();
  assert.equal(set.add('dist/index.js', 'file'), null);
  assert.equal(set.add('dist', 'dir'), null, 'a folder named after it was implied is fine');
  assert.match(set.add('dist/index.js', 'file')!, /appears twice/);
  assert.match(set.add('dist/index.js/x', 'file')!, /both a file and a folder/);
  assert.match(set.add('dist', 'file')!, /both a file and a folder/);
  assert.match(set.add('Dist/other.js', 'file')!, /differ only in letter case/);
  assert.match(set.add('DIST/INDEX.JS', 'file')!, /differ only in letter case/);
  assert.equal(set.add('caf\u00e9.txt', 'file'), null);
  assert.match(set.add('cafe\u0301.txt', 'file')!, /Unicode form/);
});
