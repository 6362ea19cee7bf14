// The arguments of a command typed at the dev> prompt (and in the app's debug view): a JSON array,
// or JSON values and plain words separated by spaces ("notes.md 3 true" → ["notes.md", 3, true];
// "\"two words\"" → ["two words"]). Pure.

/** The values, or one line saying what to type instead. */
export function parseCommandLine(
  text: string,
): { ok: true; values: unknown[] } | { ok: false; error: string } {
  const line = text.trim();
  if (line === '') return { ok: true, values: [] };
  if (line.startsWith('[')) {
    try {
      const value: unknown = JSON.parse(line);
      if (Array.isArray(value)) return { ok: true, values: value };
    } catch {
      // not one array: read it as values below
    }
  }
  const values: unknown[] = [];
  // A JSON string with its escapes, a JSON object or array without spaces, or a word.
  const token = /"(?:[^"\\]|\\.)*"|\S+/gy;
  let at = 0;
  while (at < line.length) {
    while (line[at] === ' ' || line[at] === '\t') at++;
    if (at >= line.length) break;
    token.lastIndex = at;
    const m = token.exec(line);
    if (!m) return { ok: false, error: `cannot read the arguments from column ${at + 1}` };
    at = token.lastIndex;
    const word = m[0];
    if (word.startsWith('"')) {
      try {
        values.push(JSON.parse(word));
      } catch {
        return { ok: false, error: `${word} is not a JSON string; fix: escape it as JSON does` };
      }
      continue;
    }
    try {
      values.push(JSON.parse(word));
    } catch {
      values.push(word);
    }
  }
  return { ok: true, values };
}
