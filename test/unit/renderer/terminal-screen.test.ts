// The debug terminal's screen model: line feeds, carriage returns, backspaces and tabs applied;
// the sequences the host's filter lets through dropped, even when cut across chunks; bounded.
import { expect, test } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_SCREEN,
  LINE_MAX,
  SCREEN_LINES,
  keyBytes,
  printOnScreen,
} from '../../../renderer/src/store/terminal-screen.ts';

const print = (...chunks: string[]) =>
  chunks.reduce((screen, chunk) => printOnScreen(screen, chunk), EMPTY_SCREEN).lines;

test('lines, a carriage return that rewrites, a backspace, a tab', () => {
  expect(print('one\r\ntwo\n')).toEqual(['one', 'two', '']);
  expect(print('50%\r75%\r100%')).toEqual(['100%']);
  expect(print('abc\b\bX')).toEqual(['aXc']);
  expect(print('a\tb')).toEqual(['a       b']);
});

test('colours and cursor movement are dropped, not shown; a sequence cut in two as well', () => {
  expect(print('\x1b[31mred\x1b[0m \x1b[2K\x1b7ok')).toEqual(['red ok']);
  expect(print('A\x1b[3', '2mB')).toEqual(['AB']);
  expect(print('A\x1b', '[1mB')).toEqual(['AB']);
  // Other control characters never reach the page.
  expect(print('a\x07b\x00c\x7fd')).toEqual(['abcd']);
});

test('whatever arrives, no control character is left and the screen stays bounded', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'binary', maxLength: 200 }), { maxLength: 20 }),
      (chunks) => {
        const lines = print(...chunks);
        expect(lines.length).toBeLessThanOrEqual(SCREEN_LINES);
        for (const line of lines) {
          // eslint-disable-next-line no-control-regex -- what must never be left
          expect(line).not.toMatch(/[\x00-\x1f\x7f]/);
          expect(line.length).toBeLessThanOrEqual(LINE_MAX);
        }
      },
    ),
    { numRuns: 50 },
  );
  expect(print('x\n'.repeat(SCREEN_LINES + 10)).length).toBe(SCREEN_LINES);
});

test('keys become what a terminal sends', () => {
  const k = (
    key: string,
    mods: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {},
  ) => keyBytes({ key, ctrlKey: false, altKey: false, metaKey: false, ...mods });
  expect(k('a')).toBe('a');
  expect(k('Enter')).toBe('\r');
  expect(k('Backspace')).toBe('\x7f');
  expect(k('ArrowUp')).toBe('\x1b[A');
  expect(k('c', { ctrlKey: true })).toBe('\x03');
  expect(k('d', { ctrlKey: true })).toBe('\x04');
  expect(k('x', { altKey: true })).toBe('\x1bx');
  expect(k('Shift')).toBeNull();
  expect(k('v', { metaKey: true })).toBeNull();
});
