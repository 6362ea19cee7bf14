// Finds where a chunked request body ends (RFC 9112 §7.1), strictly, so the proxy forwards exactly
// one request's bytes: a lenient chunk parser is how request smuggling hides a second request.
// Pure: no node:* imports; it only reads the bytes, which go upstream unchanged.

export type ChunkedResult =
  /** consumed: how many bytes of this piece belong to the body (all of them unless `done`). */
  { ok: true; consumed: number; done: boolean } | { ok: false; reason: string };

// 13 hex digits is 2^52 bytes, below Number.MAX_SAFE_INTEGER; no real chunk comes near.
const MAX_SIZE_DIGITS = 13;
// Chunk extensions and trailers carry nothing we need; cap what a client can make us scan.
const MAX_LINE_EXTRA = 4096;
const MAX_TRAILERS = 8192;

type State =
  'size' | 'ext' | 'size-lf' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'trailer-lf' | 'done';

const CR = 0x0d;
const LF = 0x0a;

/** Feeds a chunked body piece by piece; say `done` after the last chunk and its trailers. */
export class ChunkedBodyScanner {
  private state: State = 'size';
  private digits = 0;
  private size = 0;
  private remaining = 0;
  private extra = 0;
  private trailerBytes = 0;
  private lineLength = 0;
  private failed: string | null = null;

  feed(piece: Uint8Array): ChunkedResult {
    if (this.failed) return { ok: false, reason: this.failed };
    let i = 0;
    while (i < piece.length && this.state !== 'done') {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, piece.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'data-cr';
        continue;
      }
      const reason = this.step(piece[i]!);
      if (reason) {
        this.failed = `a malformed chunked body: ${reason}`;
        return { ok: false, reason: this.failed };
      }
      i++;
    }
    return { ok: true, consumed: i, done: this.state === 'done' };
  }

  /** One byte outside chunk data; a reason when it breaks the grammar. */
  private step(c: number): string | null {
    switch (this.state) {
      case 'size': {
        const v = hexValue(c);
        if (v >= 0) {
          if (++this.digits > MAX_SIZE_DIGITS) return 'a chunk size too large';
          this.size = this.size * 16 + v;
          return null;
        }
        if (this.digits === 0) return 'a chunk size that is not hex';
        if (c === CR) this.state = 'size-lf';
        else if (c === 0x3b)
          this.state = 'ext'; // ';'
        else return 'a chunk size followed by something other than ";" or CRLF';
        return null;
      }
      case 'ext':
        if (c === CR) this.state = 'size-lf';
        else if (c === LF || (c < 0x20 && c !== 0x09) || c === 0x7f)
          return 'a control character in a chunk extension';
        else if (++this.extra > MAX_LINE_EXTRA) return 'a chunk extension too long';
        return null;
      case 'size-lf':
        if (c !== LF) return 'a bare CR after a chunk size';
        this.extra = 0;
        this.digits = 0;
        if (this.size === 0) {
          this.state = 'trailer';
          this.lineLength = 0;
        } else {
          this.remaining = this.size;
          this.size = 0;
          this.state = 'data';
        }
        return null;
      case 'data-cr':
        if (c !== CR) return 'chunk data longer than its size';
        this.state = 'data-lf';
        return null;
      case 'data-lf':
        if (c !== LF) return 'a bare CR after chunk data';
        this.state = 'size';
        return null;
      case 'trailer':
        if (++this.trailerBytes > MAX_TRAILERS) return 'trailers too long';
        if (c === CR) {
          this.state = 'trailer-lf';
          return null;
        }
        if (c === LF) return 'a bare LF in the trailers';
        if (this.lineLength === 0 && (c === 0x20 || c === 0x09)) return 'a folded trailer line';
        if ((c < 0x20 && c !== 0x09) || c === 0x7f) return 'a control character in a trailer';
        this.lineLength++;
        return null;
      case 'trailer-lf':
        if (c !== LF) return 'a bare CR in the trailers';
        if (this.lineLength === 0) this.state = 'done';
        else {
          this.lineLength = 0;
          this.state = 'trailer';
        }
        return null;
      default:
        return 'bytes after the end';
    }
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
