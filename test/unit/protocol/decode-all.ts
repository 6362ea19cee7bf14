// Test helper: runs a whole stream, given as chunks, through one frame decoder.
import {
  createFrameDecoder,
  type DecodedFrame,
  type FrameError,
} from '../../../app/protocol/index.ts';

/** Every frame and every error the decoder reports for these chunks, then end(). */
export function decodeAll(chunks: (string | Uint8Array)[], maxFrameBytes: number) {
  const frames: DecodedFrame[] = [];
  const errors: FrameError[] = [];
  const decoder = createFrameDecoder({
    maxFrameBytes,
    onFrame: (f) => frames.push(f),
    onError: (e) => errors.push(e),
  });
  for (const c of chunks) decoder.push(typeof c === 'string' ? Buffer.from(c) : c);
  decoder.end();
  return { frames, errors };
}
