// Splits a byte stream into frames (one JSON message per line), with a hard size cap, and turns
// each frame into a classified message or a typed FrameError. It never throws on any input: a
// peer in a sandbox is untrusted, and one bad line must cost only that line.
import { ErrorCode } from './error-codes.ts';
import {
  classifyMessage,
  type FrameError,
  type RpcNotification,
  type RpcRequest,
  type RpcResponse,
} from './envelope.ts';

/**
 * The default frame cap. A frame is buffered whole before it is parsed, so the cap bounds the
 * memory one peer can pin; 16 MiB carries a 12 MiB file as base64. Larger transfers are refused
 * with -32003 (docs/protocol.md, "Limits").
 */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * The deepest nesting a message may have. JSON.parse is iterative in V8, but zod validation and
 * JSON.stringify recurse: a frame of 20 000 "[" overflows their stack (RangeError) long before it
 * reaches the frame cap. 64 levels leave ample room for real IPC messages.
 */
export const MAX_JSON_DEPTH = 64;

const NEWLINE = 0x0a;

/** A message that passed the envelope check, sorted by kind. */
export type DecodedFrame =
  | { kind: 'request'; message: RpcRequest }
  | { kind: 'notification'; message: RpcNotification }
  | { kind: 'response'; message: RpcResponse };

export interface FrameDecoderOptions {
  /** Frames longer than this many bytes (newline excluded) are discarded and reported. */
  maxFrameBytes: number;
  onFrame: (frame: DecodedFrame) => void;
  onError: (error: FrameError) => void;
}

export interface FrameDecoder {
  /** Feeds the next bytes of the stream, split anywhere. */
  push(chunk: Uint8Array): void;
  /** The stream ended: a last line without its newline is still decoded. */
  end(): void;
}

type Event = { frame: DecodedFrame } | { error: FrameError };

/** A decoder for one stream; callbacks run synchronously from push() and end(). */
export function createFrameDecoder(options: FrameDecoderOptions): FrameDecoder {
  const { maxFrameBytes } = options;
  // A programming error, not input: without a cap the decoder would buffer without bound.
  if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1)
    throw new RangeError(`maxFrameBytes must be a positive integer, got ${maxFrameBytes}`);
  let parts: Uint8Array[] = [];
  let size = 0;
  let discarding = false;
  const text = new TextDecoder('utf-8', { fatal: true });

  // The whole chunk is scanned before any callback runs, so a callback that throws cannot leave
  // the decoder between two states; every event is still delivered, and the first throw rethrown.
  function deliver(events: Event[]): void {
    let failed = false;
    let failure: unknown;
    for (const event of events) {
      try {
        if ('frame' in event) options.onFrame(event.frame);
        else options.onError(event.error);
      } catch (err) {
        if (!failed) [failed, failure] = [true, err];
      }
    }
    if (failed) throw failure;
  }

  function decodeLine(line: Uint8Array, events: Event[]): void {
    let value: unknown;
    try {
      const source = text.decode(line);
      if (source.trim() === '') return; // blank lines separate nothing and mean nothing
      value = JSON.parse(source);
    } catch {
      events.push({
        error: frameError(ErrorCode.ParseError, `frame of ${line.length} bytes is not UTF-8 JSON`),
      });
      return;
    }
    if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
      events.push({
        error: frameError(
          ErrorCode.InvalidRequest,
          `message nests deeper than ${MAX_JSON_DEPTH} levels`,
        ),
      });
      return;
    }
    const classified = classifyMessage(value);
    if (classified.ok)
      events.push({
        frame: { kind: classified.kind, message: classified.message } as DecodedFrame,
      });
    else events.push({ error: classified.error });
  }

  return {
    push(chunk) {
      const events: Event[] = [];
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(NEWLINE, start);
        const end = newline === -1 ? chunk.length : newline;
        if (!discarding && size + (end - start) > maxFrameBytes) {
          // Refuse now rather than at the newline: a peer that never sends one must still be seen.
          discarding = true;
          parts = [];
          size = 0;
          events.push({
            error: frameError(
              ErrorCode.LimitExceeded,
              `frame exceeds the ${maxFrameBytes}-byte limit and was discarded`,
            ),
          });
        }
        if (newline === -1) {
          // Copy (Buffer#slice would not): the caller may reuse its buffer once push() returns.
          if (!discarding && end > start) {
            parts.push(new Uint8Array(chunk.subarray(start, end)));
            size += end - start;
          }
          break;
        }
        if (!discarding) decodeLine(joinWith(parts, size, chunk.subarray(start, end)), events);
        parts = [];
        size = 0;
        discarding = false;
        start = newline + 1;
      }
      deliver(events);
    },
    end() {
      const events: Event[] = [];
      if (!discarding && size > 0) decodeLine(joinWith(parts, size, new Uint8Array(0)), events);
      parts = [];
      size = 0;
      discarding = false;
      deliver(events);
    },
  };
}

function frameError(code: FrameError['code'], message: string): FrameError {
  return { code, message, id: null, looksLike: 'unknown' };
}

/** The buffered parts followed by `tail`, as one array (no copy when nothing was buffered). */
function joinWith(parts: Uint8Array[], size: number, tail: Uint8Array): Uint8Array {
  if (parts.length === 0) return tail;
  const line = new Uint8Array(size + tail.length);
  let offset = 0;
  for (const part of [...parts, tail]) {
    line.set(part, offset);
    offset += part.length;
  }
  return line;
}

/** Whether any object or array in `value` sits more than `limit` levels deep (iterative walk). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
