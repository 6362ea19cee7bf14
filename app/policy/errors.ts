// One shape for every policy problem a person sees: where (JSON pointer or line), what, and the fix.

/** A problem in a manifest, policy file or rules file, located by JSON pointer (and line for rules). */
export interface PolicyError {
  /** RFC 6901 JSON pointer into the document ("" is the whole document). */
  pointer: string;
  message: string;
  fix: string;
  /** 1-based line, for rules files and JSON syntax errors. */
  line?: number;
}

/** Escapes one path segment for a JSON pointer (RFC 6901: "~" → "~0", "/" → "~1"). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A JSON pointer from path segments, e.g. ["permissions", "fs", 0] → "/permissions/fs/0". */
export function toPointer(path: readonly PropertyKey[]): string {
  return path.map((s) => '/' + pointerSegment(typeof s === 'symbol' ? String(s) : s)).join('');
}

/** The one line a person sees, e.g. `corral.json: /permissions/fs/0/access: expected …; fix: …`. */
export function formatPolicyError(source: string, err: PolicyError): string {
  const where = err.line !== undefined ? `${source}:${err.line}` : source;
  const pointer = err.pointer !== '' ? ` ${err.pointer}:` : '';
  return `${where}:${pointer} ${err.message}; fix: ${err.fix}`;
}

/** The first error as one line, pointing at `corral lint` when there are more. */
export function formatPolicyErrors(source: string, errors: readonly PolicyError[]): string {
  const first = errors[0];
  if (!first) return `${source}: invalid; fix: run "corral lint ${source}"`;
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more: run "corral lint ${source}")` : '';
  return formatPolicyError(source, first) + more;
}

/** JSON.stringify for messages: shows strings quoted and cuts long values. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

/** The closest of `candidates` to `word` when it is a plausible typo (edit distance ≤ 2). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The line behind a JSON pointer, or behind its nearest ancestor that has one. */
export function lineOf(lines: ReadonlyMap<string, number>, pointer: string): number | undefined {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const line = lines.get(p);
    if (line !== undefined || p === '') return line;
  }
}
