// A strict JSON reader that remembers where every value starts and refuses duplicate keys, so a
// manifest error can name its line, and `"access": "read", "access": "write"` can never pass with
// one of the two silently ignored (JSON.parse keeps the last).
import { pointerSegment, type PolicyError } from './errors.ts';

export type JsonSource =
  { ok: true; value: unknown; lines: Map<string, number> } | { ok: false; error: PolicyError };

/** Caps nesting so a hostile file cannot exhaust the stack. */
const MAX_DEPTH = 64;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly fix = 'correct the JSON syntax (no trailing commas or comments; keys and strings in double quotes)',
    readonly pointer = '',
  ) {
    super(message);
  }
}

/** Parses JSON text; the result maps each value's JSON pointer to its 1-based line. */
export function parseJsonSource(text: string): JsonSource {
  const reader = new Reader(text);
  try {
    reader.skipSpace();
    const value = reader.value('', 0);
    reader.skipSpace();
    if (reader.pos < text.length)
      throw new JsonSyntaxError('unexpected text after the JSON value', reader.pos);
    return { ok: true, value, lines: reader.lines };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const before = text.slice(0, e.at);
    const line = before.split('\n').length;
    const column = e.at - before.lastIndexOf('\n');
    return {
      ok: false,
      error: {
        pointer: e.pointer,
        line,
        message: `${e.message} (line ${line}, column ${column})`,
        fix: e.fix,
      },
    };
  }
}

class Reader {
  pos = 0;
  line = 1;
  readonly lines = new Map<string, number>();

  constructor(readonly text: string) {}

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      this.pos++;
    }
  }

  value(pointer: string, depth: number): unknown {
    if (depth > MAX_DEPTH)
      throw new JsonSyntaxError(
        `nested deeper than ${MAX_DEPTH} levels`,
        this.pos,
        'flatten the document',
      );
    this.lines.set(pointer, this.line);
    const c = this.text[this.pos];
    if (c === '{') return this.object(pointer, depth);
    if (c === '[') return this.array(pointer, depth);
    if (c === '"') return this.string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      this.text.slice(this.pos, this.pos + 400),
    );
    if (!literal)
      throw new JsonSyntaxError(
        c === undefined ? 'the JSON ends too early' : `unexpected ${JSON.stringify(c)}`,
        this.pos,
      );
    this.pos += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  }

  object(pointer: string, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"')
        throw new JsonSyntaxError('expected a key in double quotes', this.pos);
      const keyAt = this.pos;
      const key = this.string();
      const child = `${pointer}/${pointerSegment(key)}`;
      if (seen.has(key))
        throw new JsonSyntaxError(
          `duplicate key ${JSON.stringify(key)}`,
          keyAt,
          'keep only one of the two entries',
          child,
        );
      seen.add(key);
      this.skipSpace();
      if (this.text[this.pos] !== ':')
        throw new JsonSyntaxError('expected ":" after the key', this.pos);
      this.pos++;
      this.skipSpace();
      // defineProperty: a "__proto__" key stays a plain key, as with JSON.parse.
      Object.defineProperty(out, key, {
        value: this.value(child, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipSpace();
      const next = this.text[this.pos++];
      if (next === '}') return out;
      if (next !== ',')
        throw new JsonSyntaxError('expected "," or "}" after a value', this.pos - 1);
    }
  }

  array(pointer: string, depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.value(`${pointer}/${out.length}`, depth + 1));
      this.skipSpace();
      const next = this.text[this.pos++];
      if (next === ']') return out;
      if (next !== ',')
        throw new JsonSyntaxError('expected "," or "]" after a value', this.pos - 1);
    }
  }

  string(): string {
    const start = this.pos;
    let i = start + 1;
    const t = this.text;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) i++;
      else if (c < 32)
        throw new JsonSyntaxError(
          'a string contains a raw control character or line break',
          i,
          'escape it (\\n, \\t, \\u0000)',
        );
      i++;
    }
    if (i >= t.length)
      throw new JsonSyntaxError('a string is not closed', start, 'add the closing double quote');
    this.pos = i + 1;
    try {
      return JSON.parse(t.slice(start, i + 1)) as string;
    } catch {
      throw new JsonSyntaxError(
        'a string has an invalid escape',
        start,
        'use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX',
      );
    }
  }
}
