// Property tests of the terminal filter: whatever a sandboxed program writes, in whatever chunks,
// nothing that sets a title, writes the clipboard or makes the terminal answer reaches the person.
/* eslint-disable no-control-regex -- control characters are what these tests are about */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TerminalSanitizer, sanitizeTerminalText } from '../../app/terminal/sanitize.ts';

// Bytes biased towards the interesting ones: ESC, the introducers, terminators, C1 controls.
const piece = fc.oneof(
  fc.constantFrom(
    '\x1b',
    '[',
    ']',
    'P',
    '_',
    '^',
    'X',
    '\\',
    '\x07',
    '?',
    ';',
    '$',
    ' ',
    '(',
    '#',
    'c',
    'Z',
    'n',
    't',
    'h',
    'l',
    'm',
    'q',
    '52',
    '1000',
    '2004',
    '0',
    '6',
    '\u009b',
    '\u009d',
    '\u0090',
    '\u009c',
    '\u0085',
    '\x05',
    '\x0e',
    '\x00',
    'é',
    '🐑',
  ),
  fc.string({ maxLength: 4 }),
);
const hostile = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));

/** Every ESC in `out` starts one of the sequences the filter allows, and nothing else remains. */
function onlyAllowed(out: string): boolean {
  const allowed =
    /\x1b(?:\[(?:[0-9;:]*[@ABCDEFGHIJKLMPSTXZ`abdefgmrsu]|\?(?:7|12|25|47|1047|1048|1049)(?:;(?:7|12|25|47|1047|1048|1049))*[hl]|\?[0-9;]*[JK]|[0-9]? q)|[78DEM=>]|[()][0AB])/gy;
  let i = 0;
  while (i < out.length) {
    const esc = out.indexOf('\x1b', i);
    if (esc === -1) break;
    allowed.lastIndex = esc;
    if (!allowed.exec(out)) return false;
    i = allowed.lastIndex;
  }
  return true;
}

test('the output holds no control but the allowed ones', () => {
  fc.assert(
    fc.property(hostile, (input) => {
      const out = sanitizeTerminalText(input);
      assert.ok(onlyAllowed(out), JSON.stringify(out));
      // No C1 control, no C0 control but BS, HT, LF, CR, BEL and the ESC of an allowed sequence.
      assert.doesNotMatch(out, /[\u0080-\u009f\x00-\x06\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/);
    }),
    { numRuns: 3000 },
  );
});

test('chunking never changes the result', () => {
  fc.assert(
    fc.property(hostile, fc.array(fc.nat(), { maxLength: 8 }), (input, cuts) => {
      const bytes = Buffer.from(input);
      const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const s = new TerminalSanitizer();
      let out = '';
      let from = 0;
      for (const cut of [...at, bytes.length]) {
        out += s.push(bytes.subarray(from, cut));
        from = cut;
      }
      out += s.end();
      assert.equal(out, sanitizeTerminalText(input));
    }),
    { numRuns: 2000 },
  );
});

test('filtering twice changes nothing more (what passes is already safe)', () => {
  fc.assert(
    fc.property(hostile, (input) => {
      const once = sanitizeTerminalText(input);
      assert.equal(sanitizeTerminalText(once), once);
    }),
    { numRuns: 2000 },
  );
});

test('printable text passes unchanged (a positive control)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
      assert.equal(sanitizeTerminalText(printable), printable);
    }),
  );
});
