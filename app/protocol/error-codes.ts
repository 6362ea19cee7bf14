// The error codes of the extension protocol (contracts §4): JSON-RPC 2.0's own, plus Corral's three.

/** Every code an error response may carry; any other integer is passed through as-is. */
export const ErrorCode = {
  /** JSON-RPC: the frame is not JSON (or not UTF-8). */
  ParseError: -32700,
  /** JSON-RPC: the JSON is not a valid message (envelope, batch, nesting). */
  InvalidRequest: -32600,
  /** JSON-RPC: no such method in this protocol version. */
  MethodNotFound: -32601,
  /** JSON-RPC: the params do not match the method's schema. */
  InvalidParams: -32602,
  /** JSON-RPC: the peer failed while handling a valid call (a command handler threw). */
  InternalError: -32603,
  /** Corral: the policy refused the call; the message says why. */
  PermissionDenied: -32001,
  /** Corral: the file, command or other target does not exist. */
  NotFound: -32002,
  /** Corral: a size, rate or time limit was hit. */
  LimitExceeded: -32003,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];

const names = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]),
);

/** The name of a known code ("PermissionDenied"), or undefined for any other number. */
export function errorCodeName(code: number): ErrorCodeName | undefined {
  return names.get(code);
}
