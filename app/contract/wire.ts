// How contract messages cross: results as data (never thrown across a process), and the frames
// `corral serve` carries over its WebSocket. Electron IPC carries the same results.
import * as z from 'zod';

/** The contract's version: both sides say theirs in `session.hello`; a mismatch is refused. */
export const CONTRACT_VERSION = 1;

/** The largest WebSocket frame either side accepts (an upload of the largest package fits). */
export const FRAME_MAX_BYTES = 96 * 1024 * 1024;

export const errorCodeSchema = z.enum([
  /** The input does not fit the method's schema. */
  'invalid-input',
  /** No such method (a UI newer than its host). */
  'unknown-method',
  /** No such extension, prompt, staged package or event. */
  'not-found',
  /** The host refuses on purpose (quarantined, unsigned with signatures required, …). */
  'refused',
  /** The extension could not run or answer (crashed, timed out, sandbox not available). */
  'extension-failed',
  /** The contract versions differ. */
  'version-mismatch',
  /** A frame over FRAME_MAX_BYTES, or not JSON. */
  'bad-frame',
  /** A fault of the host's own; its log has the detail. */
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const contractErrorSchema = z.strictObject({
  code: errorCodeSchema,
  /** One sentence a person understands: what failed and what to do. */
  message: z.string().max(2000),
});
export type ContractError = z.infer<typeof contractErrorSchema>;

export type ContractResult<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** A result envelope around `value` (the value itself is checked by the method's schema). */
export const resultSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: contractErrorSchema }),
]);

export function ok<T>(value: T): ContractResult<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): { ok: false; error: ContractError } {
  return { ok: false, error: { code, message } };
}

/** UI → host over the WebSocket. */
export const clientFrameSchema = z.strictObject({
  t: z.literal('call'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().max(64),
  input: z.unknown(),
});
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** Host → UI over the WebSocket: a result for a call, or a pushed event. */
export const hostFrameSchema = z.union([
  z.strictObject({
    t: z.literal('result'),
    /** The call's id; null when the frame could not be read well enough to find it. */
    id: z.number().int().nonnegative().nullable(),
    result: resultSchema,
  }),
  z.strictObject({ t: z.literal('event'), name: z.string().max(64), payload: z.unknown() }),
]);
export type HostFrame = z.infer<typeof hostFrameSchema>;
