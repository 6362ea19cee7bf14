// The debug terminal's screen (DevTerminal draws it): a small line model of our own instead of xterm.js. xterm.js 6
// writes its theme and its measured cell sizes into <style> elements it creates at run time, which
// the window's CSP (style-src 'self', no 'unsafe-inline') refuses; loosening that for one panel
// would let any injected markup restyle the whole window (docs/security.md, "The debug terminal").
// The text arrives already through the host's terminal filter (app/terminal/sanitize.ts); here the
// sequences it lets through (colours, cursor movement) are dropped rather than interpreted, and
// line feeds, carriage returns, backspaces and tabs are applied. A line-oriented program (a REPL, a
// prompt, a build) reads well; a full-screen one (vim, top) does not, which docs/extension-guide.md
// says. Pure.

/** The most lines kept; older ones scroll away. */
export const SCREEN_LINES = 2000;
/** The longest line kept; the rest of a longer one is cut. */
export const LINE_MAX = 4000;

export interface TerminalScreen {
  /** Finished lines, oldest first, then the line being written. */
  lines: string[];
  /** Where the next character goes in the last line (a carriage return moves it to 0). */
  column: number;
  /** An escape sequence cut by the end of a chunk, completed by the next one. */
  pending: string;
}

export const EMPTY_SCREEN: TerminalScreen = { lines: [''], column: 0, pending: '' };

// ESC [ params intermediates final; ESC followed by one character (charset, keypad, index…).
/* eslint-disable no-control-regex -- escape sequences are what these match */
const SEQUENCE = /\x1b(\[[0-?]*[ -/]*[@-~]|[ -/]*[0-Z\\-~])/y;
const UNFINISHED = /\x1b(\[[0-?]*[ -/]*)?$/y;
/* eslint-enable no-control-regex */

/** The screen after `data` was printed on it. */
export function printOnScreen(screen: TerminalScreen, data: string): TerminalScreen {
  const lines = screen.lines.slice();
  let line = lines.pop() ?? '';
  let column = screen.column;
  const text = screen.pending + data;
  let pending = '';
  const put = (ch: string) => {
    if (column >= LINE_MAX) return;
    // Appending is the common case: only a carriage return or a backspace writes over text.
    if (column === line.length) line += ch;
    else line = line.slice(0, column).padEnd(column, ' ') + ch + line.slice(column + 1);
    column += 1;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\x1b') {
      SEQUENCE.lastIndex = i;
      const m = SEQUENCE.exec(text);
      if (m) {
        i += m[0].length - 1;
        continue;
      }
      UNFINISHED.lastIndex = i;
      if (UNFINISHED.test(text)) {
        pending = text.slice(i);
        break;
      }
      continue; // a lone ESC: dropped
    }
    if (ch === '\n') {
      lines.push(line);
      line = '';
      column = 0;
    } else if (ch === '\r') column = 0;
    else if (ch === '\b') column = Math.max(0, column - 1);
    else if (ch === '\t') for (let n = 8 - (column % 8); n > 0; n--) put(' ');
    else if (ch >= ' ' && ch !== '\x7f') put(ch);
  }
  lines.push(line);
  return { lines: lines.slice(-SCREEN_LINES), column, pending };
}

/** What a key typed in the terminal sends to the program, as a terminal would; null: nothing. */
export function keyBytes(key: {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}): string | null {
  if (key.metaKey) return null;
  const named: Record<string, string> = {
    Enter: '\r',
    Backspace: '\x7f',
    Tab: '\t',
    Escape: '\x1b',
    ArrowUp: '\x1b[A',
    ArrowDown: '\x1b[B',
    ArrowRight: '\x1b[C',
    ArrowLeft: '\x1b[D',
    Home: '\x1b[H',
    End: '\x1b[F',
    Delete: '\x1b[3~',
  };
  if (Object.hasOwn(named, key.key)) return named[key.key]!;
  if ([...key.key].length !== 1) return null; // Shift, F1…: nothing to send
  if (key.ctrlKey) {
    const code = key.key.toUpperCase().charCodeAt(0);
    return code >= 0x40 && code <= 0x5f ? String.fromCharCode(code - 0x40) : null;
  }
  return key.altKey ? `\x1b${key.key}` : key.key;
}
