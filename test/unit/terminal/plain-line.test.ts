// A terminal line as plain text for the exit witness: what the terminal filter lets through
// (colours, cursor movement, designations) is gone, the carriage return's redraw applied.
/* eslint-disable no-control-regex -- control characters are what this file is about */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { plainTerminalLine } from '../../../app/terminal/plain-line.ts';
import { sanitizeTerminalText } from '../../../app/terminal/sanitize.ts';

const CASES: [string, string, string][] = [
  ['a pty newline', 'Error: boom\r', 'Error: boom'],
  [
    'a coloured error',
    '\x1b[31mSyntaxError\x1b[39m: Unexpected token',
    'SyntaxError: Unexpected token',
  ],
  ['SGR without parameters, and 256 colours', '\x1b[m\x1b[38;5;208mwarn\x1b[0m', 'warn'],
  ['cursor movement and erasing', '\x1b[2K\x1b[1GDone', 'Done'],
  ['a private mode', '\x1b[?25lhidden cursor\x1b[?25h', 'hidden cursor'],
  ['a character set', '\x1b(0qq\x1b(B ok', 'qq ok'],
  ['a two-byte escape', '\x1b7saved\x1b8', 'saved'],
  ['a progress bar redrawn', '  10%\r  55%\r 100% done\r', ' 100% done'],
  ['tabs and other controls', 'a\tb\x07c\bd', 'a bcd'],
  ['a sequence the line ends in', 'Error: x\x1b[3', 'Error: x'],
  ['a lone ESC at the end', 'Error: x\x1b', 'Error: x'],
];

for (const [name, line, plain] of CASES)
  test(`plain: ${name}`, () => assert.equal(plainTerminalLine(line), plain));

// Text made of the pieces of escape sequences, so that the filter's kept sequences come up often.
const escapes = fc
  .array(
    fc.constantFrom(
      '\x1b',
      '[',
      '31',
      ';',
      '?',
      '25',
      'm',
      'h',
      'K',
      '(',
      '0',
      'B',
      '7',
      '\r',
      '\n',
      '\t',
      '\x07',
      '\b',
      'é',
      'x',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

test('whatever the filter lets through, the plain line has no control character left', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), escapes), (raw) => {
      for (const line of sanitizeTerminalText(raw).split('\n')) {
        const plain = plainTerminalLine(line);
        assert.doesNotMatch(plain, /[\u0000-\u001f\u007f-\u009f]/);
        assert.equal(plainTerminalLine(plain), plain); // nothing left to remove
      }
    }),
  );
});
