// Text an extension supplies, made safe to show: control characters, terminal escapes,
// bidirectional overrides and zero-width characters become visible marks, so that no name, path
// or log line can hide text, reorder what the user reads, or pass for something else
// (CVE-2021-42574, "Trojan Source", is the bidi case). The UI renders the result as text.

/** Code points that change how surrounding text displays without showing themselves. */
const INVISIBLE = new Set([
  0x00ad, // soft hyphen
  0x034f, // combining grapheme joiner
  0x061c, // Arabic letter mark
  0x115f,
  0x1160, // Hangul fillers
  0x17b4,
  0x17b5, // Khmer inherent vowels
  0x180e, // Mongolian vowel separator
  0x200b, // zero width space
  0x200c, // zero width non-joiner
  0x200d, // zero width joiner
  0x200e, // left-to-right mark
  0x200f, // right-to-left mark
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e, // bidi embeddings and overrides
  0x2060,
  0x2061,
  0x2062,
  0x2063,
  0x2064, // word joiner, invisible operators
  0x2066,
  0x2067,
  0x2068,
  0x2069, // bidi isolates
  0x206a,
  0x206b,
  0x206c,
  0x206d,
  0x206e,
  0x206f, // deprecated format characters
  0x3164, // Hangul filler
  0xfeff, // zero width no-break space (BOM)
  0xffa0, // halfwidth Hangul filler
]);

/** Names for the controls people may recognise; others show as their code point. */
const NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x07: 'BEL',
  0x08: 'BS',
  0x09: 'TAB',
  0x0a: 'LF',
  0x0d: 'CR',
  0x1b: 'ESC',
  0x7f: 'DEL',
  0x202e: 'RLO',
  0x202d: 'LRO',
  0x200b: 'ZWSP',
  0x200d: 'ZWJ',
  0xfeff: 'BOM',
};

function isHidden(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp < 0xa0) || // DEL and the C1 controls (CSI is 0x9b)
    INVISIBLE.has(cp) ||
    (cp >= 0xe0000 && cp <= 0xe007f) || // tag characters
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

function mark(cp: number): string {
  const name = NAMES[cp] ?? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `⟨${name}⟩`;
}

export interface VisibleTextOptions {
  /** Keep line breaks as they are (for multi-line log text); otherwise they show as ⟨LF⟩. */
  keepNewlines?: boolean;
}

/** `text` with every hidden or controlling character replaced by a visible mark such as ⟨ESC⟩. */
export function visibleText(text: string, options: VisibleTextOptions = {}): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (options.keepNewlines && cp === 0x0a) out += ch;
    else if (isHidden(cp)) out += mark(cp);
    else out += ch;
  }
  return out;
}

/** Whether `text` holds anything visibleText would mark (to flag a name that tried). */
export function hasHiddenCharacters(text: string): boolean {
  for (const ch of text) if (isHidden(ch.codePointAt(0)!)) return true;
  return false;
}
