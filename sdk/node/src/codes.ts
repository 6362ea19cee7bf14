// The protocol's version and error codes as values, typed here in full (types.ts) so that the
// SDK's declarations do not reach into Corral's sources; the values are the protocol's own.
import {
  ErrorCode as protocolCodes,
  PROTOCOL_VERSION as protocolVersion,
} from '../../../app/protocol/index.ts';
import type { ErrorCodes } from './types.ts';

/** The protocol version this SDK speaks. */
export const PROTOCOL_VERSION: 1 = protocolVersion;

/** Every error code an answer may carry (contracts §4). */
export const ErrorCode: ErrorCodes = protocolCodes;
