// The frame decoder on hand-picked streams: splitting, blank lines, CRLF, bad UTF-8, bad JSON,
// deep nesting, oversize frames and resynchronisation, the unterminated last line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createFrameDecoder,
  ErrorCode,
  MAX_JSON_DEPTH,
  type DecodedFrame,
  type FrameError,
} from '../../../app/protocol/index.ts';
import { decodeAll } from './decode-all.ts';

function decode(chunks: (string | Uint8Array)[], maxFrameBytes = 1024) {
  return decodeAll(chunks, maxFrameBytes);
}

const log = '{"jsonrpc":"2.0","method":"log","params":{"level":"info","message":"é"}}';
const call = '{"jsonrpc":"2.0","id":1,"method":"fs/stat","params":{"path":"/a"}}';

test('frames split anywhere, even inside a UTF-8 character, decode whole', () => {
  const bytes = Buffer.from(`${log}\n${call}\n`);
  const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
  const { frames, errors } = decode([bytes.subarray(0, cut), bytes.subarray(cut)]);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    frames.map((f) => f.kind),
    ['notification', 'request'],
  );
  assert.equal(
    (frames[0]!.message as unknown as { params: { message: string } }).params.message,
    'é',
  );
});

test('blank lines are skipped, CRLF is accepted, and an unterminated last line is decoded', () => {
  const { frames, errors } = decode([`\n\r\n  \n${log}\r\n`, call]);
  assert.deepEqual(errors, []);
  assert.equal(frames.length, 2);
});

test('bad UTF-8, bad JSON and deep nesting each cost one error and nothing else', () => {
  const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
  const { frames, errors } = decode([
    Buffer.from([0xff, 0xfe, 0x0a]),
    '{"jsonrpc":\n',
    `{"jsonrpc":"2.0","method":"log","params":{"message":${deep}}}\n`,
    '[]\n',
    `${call}\n`,
  ]);
  assert.deepEqual(
    errors.map((e) => e.code),
    [
      ErrorCode.ParseError,
      ErrorCode.ParseError,
      ErrorCode.InvalidRequest,
      ErrorCode.InvalidRequest,
    ],
  );
  assert.match(errors[2]!.message, /deeper than 64 levels/);
  assert.equal(frames.length, 1);
  for (const e of errors) assert.deepEqual([e.id, e.looksLike], [null, 'unknown']);
});

test('nesting at the limit is fine (the envelope counts as one level)', () => {
  const inner = MAX_JSON_DEPTH - 3; // message object → params → value
  const value = '['.repeat(inner) + ']'.repeat(inner);
  const { frames, errors } = decode([
    `{"jsonrpc":"2.0","method":"ipc/message","params":{"message":${value}}}\n`,
  ]);
  assert.deepEqual(errors, []);
  assert.equal(frames.length, 1);
});

test('an oversize frame is reported once, as soon as it is seen, and the stream resynchronises', () => {
  const frames: DecodedFrame[] = [];
  const errors: FrameError[] = [];
  const decoder = createFrameDecoder({
    maxFrameBytes: 100,
    onFrame: (f) => frames.push(f),
    onError: (e) => errors.push(e),
  });
  decoder.push(Buffer.from(`${call}\n{"jsonrpc":"2.0","method":"log","params":{"message":"`));
  for (let i = 0; i < 50; i++) decoder.push(Buffer.from('x'.repeat(1000)));
  assert.equal(errors.length, 1, 'reported before the newline arrives');
  assert.equal(errors[0]!.code, ErrorCode.LimitExceeded);
  assert.match(errors[0]!.message, /100-byte limit/);
  decoder.push(Buffer.from(`"}}\n${call}\n`));
  decoder.end();
  assert.equal(errors.length, 1);
  assert.equal(frames.length, 2);
});

test('a frame of exactly the limit passes; one byte more does not', () => {
  const exact = decode([`${call}\n`], Buffer.byteLength(call));
  assert.deepEqual([exact.frames.length, exact.errors.length], [1, 0]);
  const over = decode([`${call}\n`], Buffer.byteLength(call) - 1);
  assert.deepEqual([over.frames.length, over.errors.length], [0, 1]);
});

test('a callback that throws still lets the rest of the chunk through, then rethrows', () => {
  const seen: string[] = [];
  const decoder = createFrameDecoder({
    maxFrameBytes: 1024,
    onFrame: (f) => {
      seen.push(f.kind);
      if (f.kind === 'notification') throw new Error('handler bug');
    },
    onError: () => seen.push('error'),
  });
  assert.throws(() => decoder.push(Buffer.from(`${log}\nnope\n${call}\n`)), /handler bug/);
  assert.deepEqual(seen, ['notification', 'error', 'request']);
  decoder.push(Buffer.from(`${call}\n`));
  assert.equal(seen.length, 4);
});

test('the decoder does not keep a reference to the caller buffer', () => {
  const frames: DecodedFrame[] = [];
  const decoder = createFrameDecoder({
    maxFrameBytes: 1024,
    onFrame: (f) => frames.push(f),
    onError: (e) => assert.fail(e.message),
  });
  const reused = Buffer.from(call);
  decoder.push(reused);
  reused.fill(0x20);
  decoder.push(Buffer.from('\n'));
  assert.equal(frames.length, 1);
});

test('a decoder without a real cap is refused when it is made', () => {
  for (const maxFrameBytes of [0, -1, NaN, Infinity, 1.5])
    assert.throws(
      () => createFrameDecoder({ maxFrameBytes, onFrame() {}, onError() {} }),
      RangeError,
    );
});
