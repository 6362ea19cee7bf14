// A line of a terminal's output as plain text, for the exit witness (app/runtime/exit-diagnosis.ts)
// that reads what an extension printed on the terminal corral dev gives it. The input is the
// terminal filter's output (sanitize.ts), so the only sequences left are those it lets through:
// CSI (colours, cursor movement), two-byte escapes and character-set designations. A colour code
// must not hide "SyntaxError:" from a pattern anchored at the line's start.
/* eslint-disable no-control-regex -- control characters are what this file removes */

// ESC [ parameters intermediates final (ECMA-48 5.4); ESC ( B and kin (ISO 2022); ESC 7, ESC M…;
// an ESC the line ended in the middle of.
const SEQUENCE =
  /\x1b(?:\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|[()*+\-./][\x20-\x7e]?|[\x20-\x7e])?/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `line` (no newline in it) without escape sequences or controls, as the terminal last drew it. */
export function plainTerminalLine(line: string): string {
  const text = line.replace(SEQUENCE, '').replace(/\r+$/, ''); // a pty's newline is "\r\n"
  // A carriage return redraws the line (a progress bar): what follows the last one is what shows.
  // (A shorter redraw leaves the old tail on screen; the witness needs the newest words, not that.)
  const drawn = text.slice(text.lastIndexOf('\r') + 1);
  return drawn.replace(/\t/g, ' ').replace(CONTROL, '');
}
