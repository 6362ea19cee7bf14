// The terminal filter: what a sandboxed program writes is made safe before it reaches a person's
// terminal (the CLI's, or the app's debug terminal). Text, colours and cursor movement pass; anything
// that sets the title, writes the clipboard (OSC 52), makes the terminal answer back as input
// (device status, attributes, mode reports, mouse and focus reporting) or reprograms it (DCS, APC,
// PM, SOS, a full reset, 8-bit C1 controls) is dropped. An allowlist, not a denylist: a sequence
// not named here never passes. Streaming: state survives chunk boundaries, and bounded, so a
// program that never ends a sequence cannot make the filter hold its output.
// References: ECMA-48, xterm's ctlseqs, CVE-2003-0063 (title report), CVE-2022-45872 (OSC 52 read).

/** How long a control sequence's parameters may grow before the sequence is dropped whole. */
export const MAX_SEQUENCE = 64;

const ESC = 0x1b;
const BEL = 0x07;

// C0 controls a terminal acts on harmlessly: backspace, tab, line feed, carriage return, bell.
// Everything else below 0x20 (SO/SI switch character sets, ENQ asks for an answerback) is dropped.
const KEEP_C0 = new Set([0x07, 0x08, 0x09, 0x0a, 0x0d]);

// CSI final bytes allowed without a private prefix or intermediates: cursor movement, erasing,
// scrolling, inserting and deleting, tab stops, colours and attributes (SGR), save and restore.
// Left out on purpose: n (DSR: answers), c (DA: answers), t (window ops: resize, title reports),
// h/l (ANSI modes: LNM changes what Enter sends), x (DECREQTPARM: answers), p with $ (DECRQM).
const CSI_FINALS = new Set('@ABCDEFGHIJKLMPSTXZ`abdefgmrsu'.split('').map((c) => c.charCodeAt(0)));

// DEC private modes (CSI ? Pm h / l) that only change the display: cursor keys' visibility,
// autowrap, blinking cursor, the alternate screen. Mouse (1000–1016), focus (1004) and
// bracketed-paste (2004) reporting make the terminal send input, so they are not here.
const DEC_MODES = new Set([7, 12, 25, 47, 1047, 1048, 1049]);

// Two-byte escapes allowed: save/restore cursor (7, 8), index, next line, reverse index (D, E,
// M), keypad modes (=, >). Not c (a full reset), not Z (DECID: answers), not # 8 and friends.
const ESC_FINALS = new Set('78DEM=>'.split('').map((c) => c.charCodeAt(0)));

type State =
  | { kind: 'text' }
  | { kind: 'esc' }
  | { kind: 'charset'; intro: number }
  /** Collecting a CSI: the bytes after ESC [ so far. */
  | { kind: 'csi'; body: number[]; overflow: boolean }
  /** Inside a string (OSC, DCS, APC, PM, SOS) that is dropped whole; `esc`: the last byte was ESC. */
  | { kind: 'string'; esc: boolean; osc: boolean };

/** A streaming filter: feed it bytes as they come, it returns the text that may be shown. */
export class TerminalSanitizer {
  private state: State = { kind: 'text' };
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private dropped = 0;

  /** Control sequences and control characters dropped so far (for a note at the end). */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Filters one chunk; a sequence cut by the chunk's end is completed by the next one. */
  push(chunk: Uint8Array | string): string {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      out += this.step(cp, ch);
    }
    return out;
  }

  /** Ends the stream: an unfinished sequence is dropped, never shown. */
  end(): string {
    const rest = this.decoder.decode();
    const out = rest ? this.push(rest) : '';
    if (this.state.kind !== 'text') this.dropped++;
    this.state = { kind: 'text' };
    return out;
  }

  private step(cp: number, ch: string): string {
    const s = this.state;
    switch (s.kind) {
      case 'text':
        if (cp === ESC) {
          this.state = { kind: 'esc' };
          return '';
        }
        if (cp >= 0x80 && cp <= 0x9f) return this.c1(cp);
        if (cp < 0x20 || cp === 0x7f) {
          if (KEEP_C0.has(cp)) return ch;
          this.dropped++;
          return '';
        }
        return ch;
      case 'esc':
        return this.afterEsc(cp);
      case 'charset':
        this.state = { kind: 'text' };
        // G0/G1 as ASCII, UK or DEC line drawing (what dialog and ncurses use); nothing else.
        if (cp === 0x30 || cp === 0x41 || cp === 0x42)
          return `\x1b${String.fromCharCode(s.intro)}${ch}`;
        this.dropped++;
        return '';
      case 'csi':
        return this.inCsi(s, cp, ch);
      case 'string':
        return this.inString(s, cp);
    }
  }

  /** An 8-bit control: CSI, OSC, DCS… start the same (dropped) sequence as their ESC forms. */
  private c1(cp: number): string {
    this.dropped++;
    if (cp === 0x9b) this.state = { kind: 'csi', body: [], overflow: false };
    else if (cp === 0x9d) this.state = { kind: 'string', esc: false, osc: true };
    else if (cp === 0x90 || cp === 0x98 || cp === 0x9e || cp === 0x9f)
      this.state = { kind: 'string', esc: false, osc: false };
    // An 8-bit CSI is parsed so that its parameters are not shown as text, then dropped whole.
    if (this.state.kind === 'csi') this.state.overflow = true;
    return '';
  }

  private afterEsc(cp: number): string {
    if (cp === 0x5b) {
      this.state = { kind: 'csi', body: [], overflow: false };
      return '';
    }
    if (cp === 0x5d) {
      this.state = { kind: 'string', esc: false, osc: true };
      this.dropped++;
      return '';
    }
    // DCS (P), SOS (X), PM (^), APC (_): strings a terminal acts on, some of which answer back.
    if (cp === 0x50 || cp === 0x58 || cp === 0x5e || cp === 0x5f) {
      this.state = { kind: 'string', esc: false, osc: false };
      this.dropped++;
      return '';
    }
    if (cp === 0x28 || cp === 0x29) {
      this.state = { kind: 'charset', intro: cp };
      return '';
    }
    this.state = { kind: 'text' };
    if (ESC_FINALS.has(cp)) return `\x1b${String.fromCharCode(cp)}`;
    this.dropped++;
    // ESC ESC: the second one may start a sequence of its own.
    if (cp === ESC) this.state = { kind: 'esc' };
    return '';
  }

  private inCsi(s: Extract<State, { kind: 'csi' }>, cp: number, ch: string): string {
    if (cp >= 0x20 && cp <= 0x3f) {
      // Parameter (0x30–0x3f) and intermediate (0x20–0x2f) bytes.
      if (s.body.length >= MAX_SEQUENCE) s.overflow = true;
      else s.body.push(cp);
      return '';
    }
    if (cp >= 0x40 && cp <= 0x7e) {
      this.state = { kind: 'text' };
      if (!s.overflow && allowedCsi(s.body, cp))
        return `\x1b[${String.fromCharCode(...s.body)}${ch}`;
      this.dropped++;
      return '';
    }
    // A control or anything else inside a CSI: the sequence is malformed; drop it, then treat
    // the byte as text would (an ESC starts a new sequence).
    this.state = { kind: 'text' };
    this.dropped++;
    return this.step(cp, ch);
  }

  private inString(s: Extract<State, { kind: 'string' }>, cp: number): string {
    // Ended by ST (ESC \ or 8-bit 0x9c); an OSC also by BEL, as xterm accepts.
    if (cp === 0x9c || (s.osc && cp === BEL) || (s.esc && cp === 0x5c)) {
      this.state = { kind: 'text' };
      return '';
    }
    if (s.esc && cp !== 0x5c) {
      // ESC followed by anything but \ ends the string (as xterm does) and starts a sequence.
      this.state = { kind: 'esc' };
      return this.afterEsc(cp);
    }
    s.esc = cp === ESC;
    return '';
  }
}

function allowedCsi(body: number[], final: number): boolean {
  const text = String.fromCharCode(...body);
  // A private marker (< = > ?) or intermediates: only DEC modes that change the display, and the
  // cursor style (CSI Ps SP q).
  if (/^\?[0-9;]*$/.test(text) && (final === 0x68 || final === 0x6c)) {
    const modes = text.slice(1).split(';');
    return modes.every((m) => m !== '' && DEC_MODES.has(Number(m)));
  }
  if (/^\?[0-9;]*$/.test(text) && (final === 0x4a || final === 0x4b)) return true; // DECSED/DECSEL
  if (/^[0-9]? $/.test(text) && final === 0x71) return true; // DECSCUSR: the cursor's shape
  if (!/^[0-9;:]*$/.test(text)) return false;
  return CSI_FINALS.has(final);
}

/** Filters a whole text at once (for lines and messages, not streams). */
export function sanitizeTerminalText(text: string): string {
  const s = new TerminalSanitizer();
  return s.push(text) + s.end();
}
