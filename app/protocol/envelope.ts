// The JSON-RPC 2.0 envelope (contracts §4): one schema per message kind, and the classifier that
// tells a peer which kind a parsed frame is, or why it is none (with the id to answer, JSON-RPC §5).
import * as z from 'zod';
import { ErrorCode } from './error-codes.ts';

/** Request ids: an integer or a string (JSON-RPC allows fractions but discourages them; we refuse them). */
export const rpcIdSchema = z.union([z.number().int(), z.string()]);

/** Params travel as an object or an array (JSON-RPC "structured value"); methods check the rest. */
const structuredSchema = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);

export const requestSchema = z.strictObject({
  jsonrpc: z.literal('2.0'),
  id: rpcIdSchema,
  method: z.string().min(1),
  params: structuredSchema.optional(),
});

export const notificationSchema = z.strictObject({
  jsonrpc: z.literal('2.0'),
  method: z.string().min(1),
  params: structuredSchema.optional(),
});

export const errorObjectSchema = z.strictObject({
  code: z.number().int(),
  /** One line a person can read: what failed and why. */
  message: z.string(),
  data: z.unknown().optional(),
});

export const successResponseSchema = z
  .strictObject({ jsonrpc: z.literal('2.0'), id: rpcIdSchema, result: z.unknown() })
  // z.unknown() accepts a missing key; a response without `result` is not a success.
  .refine((m) => Object.hasOwn(m, 'result'), { message: 'missing "result"', path: ['result'] });

export const errorResponseSchema = z.strictObject({
  jsonrpc: z.literal('2.0'),
  /** null when the peer could not read the id of the frame it refuses (JSON-RPC §5). */
  id: rpcIdSchema.nullable(),
  error: errorObjectSchema,
});

export const messageSchema = z.union([
  requestSchema,
  notificationSchema,
  successResponseSchema,
  errorResponseSchema,
]);

export type RpcId = z.infer<typeof rpcIdSchema>;
export type RpcRequest = z.infer<typeof requestSchema>;
export type RpcNotification = z.infer<typeof notificationSchema>;
export type RpcErrorObject = z.infer<typeof errorObjectSchema>;
export type RpcSuccessResponse = z.infer<typeof successResponseSchema>;
export type RpcErrorResponse = z.infer<typeof errorResponseSchema>;
export type RpcResponse = RpcSuccessResponse | RpcErrorResponse;
export type RpcMessage = z.infer<typeof messageSchema>;

/** What an unusable frame looked like, so the receiver knows whether to answer it. */
export type FrameShape = 'request' | 'notification' | 'response' | 'unknown';

/** Why a frame is not a message; answer it with `id` unless `looksLike` is 'response'. */
export interface FrameError {
  code:
    typeof ErrorCode.ParseError | typeof ErrorCode.InvalidRequest | typeof ErrorCode.LimitExceeded;
  /** One line: what is wrong with the frame. */
  message: string;
  /** The id the frame carried, when it could be read; null otherwise. */
  id: RpcId | null;
  looksLike: FrameShape;
}

export type ClassifiedMessage =
  | { ok: true; kind: 'request'; message: RpcRequest }
  | { ok: true; kind: 'notification'; message: RpcNotification }
  | { ok: true; kind: 'response'; message: RpcResponse }
  | { ok: false; error: FrameError };

/** Sorts a parsed JSON value into request, notification or response, or says why it is none. */
export function classifyMessage(value: unknown): ClassifiedMessage {
  if (Array.isArray(value))
    return invalid('batches are not supported: send one JSON object per line', null, 'unknown');
  if (typeof value !== 'object' || value === null)
    return invalid(`a message must be a JSON object, got ${describe(value)}`, null, 'unknown');
  const record = value as Record<string, unknown>;
  const id = rpcIdSchema.safeParse(record.id).success ? (record.id as RpcId) : null;
  if (Object.hasOwn(record, 'method')) {
    if (Object.hasOwn(record, 'id')) {
      const r = requestSchema.safeParse(record);
      return r.success
        ? { ok: true, kind: 'request', message: r.data }
        : invalid(`invalid request: ${firstIssue(r.error)}`, id, 'request');
    }
    const r = notificationSchema.safeParse(record);
    return r.success
      ? { ok: true, kind: 'notification', message: r.data }
      : invalid(`invalid notification: ${firstIssue(r.error)}`, null, 'notification');
  }
  const hasResult = Object.hasOwn(record, 'result');
  if (hasResult || Object.hasOwn(record, 'error')) {
    const r = hasResult
      ? successResponseSchema.safeParse(record)
      : errorResponseSchema.safeParse(record);
    return r.success
      ? { ok: true, kind: 'response', message: r.data }
      : invalid(`invalid response: ${firstIssue(r.error)}`, id, 'response');
  }
  return invalid('a message needs a "method", a "result" or an "error"', id, 'unknown');
}

/** One line for the first zod issue: `at params.path: expected string` (and how many more). */
export function firstIssue(error: z.ZodError): string {
  const [issue] = error.issues;
  if (!issue) return 'invalid value';
  const where = issue.path.length ? `at ${issue.path.map(String).join('.')}: ` : '';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${where}${issue.message}${more}`;
}

function invalid(message: string, id: RpcId | null, looksLike: FrameShape): ClassifiedMessage {
  return { ok: false, error: { code: ErrorCode.InvalidRequest, message, id, looksLike } };
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/** A request envelope. */
export function makeRequest(id: RpcId, method: string, params: object): RpcRequest {
  return { jsonrpc: '2.0', id, method, params: params as RpcRequest['params'] };
}

/** A notification envelope. */
export function makeNotification(method: string, params: object): RpcNotification {
  return { jsonrpc: '2.0', method, params: params as RpcNotification['params'] };
}

/** A success response envelope. */
export function makeResult(id: RpcId, result: unknown): RpcSuccessResponse {
  return { jsonrpc: '2.0', id, result };
}

/** An error response envelope (id null when the refused frame's id could not be read). */
export function makeError(id: RpcId | null, error: RpcErrorObject): RpcErrorResponse {
  return { jsonrpc: '2.0', id, error };
}
