// Extension-supplied text cannot hide or reorder what the user reads once made visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasHiddenCharacters, visibleText } from '../../../app/contract/index.ts';

test('escapes, bidi overrides and zero-width characters become visible marks', () => {
  assert.equal(visibleText('a\u001b]52;c;Zm9v\u0007b'), 'a⟨ESC⟩]52;c;Zm9v⟨BEL⟩b');
  assert.equal(visibleText('invoice\u202Efdp.exe'), 'invoice⟨RLO⟩fdp.exe');
  assert.equal(visibleText('pay\u200bpal'), 'pay⟨ZWSP⟩pal');
  assert.equal(visibleText('\u009b31m'), '⟨U+009B⟩31m');
  assert.equal(visibleText('line1\nline2'), 'line1⟨LF⟩line2');
  assert.equal(visibleText('line1\nline2', { keepNewlines: true }), 'line1\nline2');
  assert.equal(visibleText('Größe 文字 🙂'), 'Größe 文字 🙂');
});

test('the result never holds a hidden character, and plain text is unchanged', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      assert.equal(hasHiddenCharacters(visibleText(s)), false);
      if (!hasHiddenCharacters(s)) assert.equal(visibleText(s), s);
    }),
  );
});
