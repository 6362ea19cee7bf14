// The arguments typed at the dev> prompt: a JSON array, or JSON values and words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCommandLine } from '../../../../app/service/dev/command-line.ts';

test('words, numbers, booleans, quoted strings, objects and arrays', () => {
  assert.deepEqual(parseCommandLine(''), { ok: true, values: [] });
  assert.deepEqual(parseCommandLine('notes.md 3 true null'), {
    ok: true,
    values: ['notes.md', 3, true, null],
  });
  assert.deepEqual(parseCommandLine('"two words" {"a":1} [1,2]'), {
    ok: true,
    values: ['two words', { a: 1 }, [1, 2]],
  });
  assert.deepEqual(parseCommandLine('["a b", 2]'), { ok: true, values: ['a b', 2] });
  assert.deepEqual(parseCommandLine('${documents}/note.txt'), {
    ok: true,
    values: ['${documents}/note.txt'],
  });
});

test('a quoted string that is not JSON says how to fix it', () => {
  const r = parseCommandLine('"bad \\x"');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /is not a JSON string; fix: escape it as JSON does/);
});

test('any JSON array typed as one comes back as it was', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue()), (values) => {
      const r = parseCommandLine(JSON.stringify(values));
      assert.ok(r.ok);
      assert.deepEqual(r.values, JSON.parse(JSON.stringify(values)));
    }),
  );
});
