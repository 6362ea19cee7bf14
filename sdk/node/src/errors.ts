// The errors an extension sees: one class per protocol error code it can act on, all CorralError.
import { ErrorCode } from './codes.ts';
import type { RpcErrorObject } from './types.ts';

/** An error answered by the host (or raised by the SDK for a call that could not be made). */
export class CorralError extends Error {
  override name = 'CorralError';
  /** The JSON-RPC error code (see ErrorCode). */
  readonly code: number;
  /** Details from the host, when it sent any. */
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }

  /** The error as it travels in a JSON-RPC error response. */
  toErrorObject(): RpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** -32001: the policy refused the call; the message gives the reason. */
export class PermissionDeniedError extends CorralError {
  override name = 'PermissionDeniedError';
  constructor(message: string, data?: unknown) {
    super(ErrorCode.PermissionDenied, message, data);
  }
}

/** -32002: the file, command or other target does not exist. */
export class NotFoundError extends CorralError {
  override name = 'NotFoundError';
  constructor(message: string, data?: unknown) {
    super(ErrorCode.NotFound, message, data);
  }
}

/** -32003: a size, rate or time limit was hit (including this SDK's per-call timeout). */
export class LimitExceededError extends CorralError {
  override name = 'LimitExceededError';
  constructor(message: string, data?: unknown) {
    super(ErrorCode.LimitExceeded, message, data);
  }
}

/** The typed error for an error object received from the host. */
export function errorFromObject(error: RpcErrorObject): CorralError {
  switch (error.code) {
    case ErrorCode.PermissionDenied:
      return new PermissionDeniedError(error.message, error.data);
    case ErrorCode.NotFound:
      return new NotFoundError(error.message, error.data);
    case ErrorCode.LimitExceeded:
      return new LimitExceededError(error.message, error.data);
    default:
      return new CorralError(error.code, error.message, error.data);
  }
}
