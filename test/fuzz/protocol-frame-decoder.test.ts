// Properties of the frame decoder (fast-check): chunking never changes what is decoded, no byte
// sequence makes it throw, and an oversize frame costs exactly one error and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  encodeFrame,
  ErrorCode,
  messageSchema,
  type RpcMessage,
} from '../../app/protocol/index.ts';
import { decodeAll } from '../unit/protocol/decode-all.ts';

const id = fc.oneof(fc.integer(), fc.string({ maxLength: 12 }));
const method = fc.string({ minLength: 1, maxLength: 16 });
const json = fc.jsonValue({ maxDepth: 3 });
const params = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 4 }),
  fc.array(json, { maxLength: 4 }),
);

const message: fc.Arbitrary<RpcMessage> = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0' as const), id, method, params }),
  fc.record(
    { jsonrpc: fc.constant('2.0' as const), method, params },
    { requiredKeys: ['jsonrpc', 'method'] },
  ),
  fc.record({ jsonrpc: fc.constant('2.0' as const), id, result: json }),
  fc.record({
    jsonrpc: fc.constant('2.0' as const),
    id: fc.option(id, { nil: null }),
    error: fc.record({ code: fc.integer(), message: fc.string({ maxLength: 20 }) }),
  }),
);

/** The stream cut at arbitrary places (positions as fractions, so they fit any length). */
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

function split(bytes: Uint8Array, fractions: number[]): Uint8Array[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(last, p));
    last = p;
  }
  return chunks;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

test('arbitrary chunking of valid frames yields the same messages, in order', () => {
  fc.assert(
    fc.property(fc.array(message, { maxLength: 8 }), cuts, (messages, fractions) => {
      const stream = concat(messages.map(encodeFrame));
      const { frames, errors } = decodeAll(split(stream, fractions), 1 << 20);
      assert.deepEqual(errors, []);
      // What was sent, as it travels (JSON turns -0 into 0).
      const sent = messages.map((m) => JSON.parse(JSON.stringify(m)) as unknown);
      assert.deepEqual(
        frames.map((f) => f.message),
        sent,
      );
    }),
  );
});

const noise = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc
    .constantFrom('\n', '{', '}', '"', '\\', '[', '\r\n', 'null', '{"jsonrpc":"2.0"')
    .map((s) => Buffer.from(s)),
  message.map(encodeFrame),
);

test('arbitrary bytes never throw; every outcome is a valid message or a typed one-line error', () => {
  fc.assert(
    fc.property(
      fc.array(noise, { maxLength: 20 }),
      cuts,
      fc.integer({ min: 1, max: 300 }),
      (parts, fractions, max) => {
        const { frames, errors } = decodeAll(split(concat(parts), fractions), max);
        for (const f of frames) assert.ok(messageSchema.safeParse(f.message).success);
        for (const e of errors) {
          assert.ok(
            [ErrorCode.ParseError, ErrorCode.InvalidRequest, ErrorCode.LimitExceeded].includes(
              e.code,
            ),
          );
          assert.doesNotMatch(e.message, /\n/);
        }
      },
    ),
  );
});

test('oversize frames are reported once each and the stream resynchronises on the next line', () => {
  const item = fc.oneof(
    message.map((m) => ({ m })),
    fc.record({
      extra: fc.integer({ min: 1, max: 500 }),
      byte: fc.integer({ min: 0x20, max: 0xff }),
    }),
  );
  fc.assert(
    fc.property(fc.array(item, { maxLength: 10 }), cuts, (items, fractions) => {
      const valid = items.flatMap((i) => ('m' in i ? [encodeFrame(i.m)] : []));
      const limit = Math.max(64, ...valid.map((f) => f.length - 1));
      const stream = concat(
        items.map((i) =>
          'm' in i
            ? encodeFrame(i.m)
            : Buffer.from([...Array<number>(limit + i.extra).fill(i.byte), 0x0a]),
        ),
      );
      const { frames, errors } = decodeAll(split(stream, fractions), limit);
      assert.equal(errors.length, items.length - valid.length);
      for (const e of errors) assert.equal(e.code, ErrorCode.LimitExceeded);
      assert.deepEqual(
        frames.map((f) => JSON.stringify(f.message)),
        items.flatMap((i) => ('m' in i ? [JSON.stringify(JSON.parse(JSON.stringify(i.m)))] : [])),
      );
    }),
  );
});
