// Encodes one message as one frame: its JSON on a single line. JSON.stringify escapes every line
// break inside strings, so the only newline in a frame is the one that ends it.
import type { RpcMessage } from './envelope.ts';

const encoder = new TextEncoder();

/** The bytes of one frame (UTF-8 JSON and "\n"); compare `.length` with the frame limit. */
export function encodeFrame(message: RpcMessage): Uint8Array {
  return encoder.encode(JSON.stringify(message) + '\n');
}
