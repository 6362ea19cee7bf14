// @corral/sdk: the Node SDK for Corral extensions (docs/protocol.md, sdk/node/README.md).
export {
  connect,
  DEFAULT_TIMEOUT_MS,
  type CallOptions,
  type CommandHandler,
  type ConnectOptions,
  type Corral,
  type FetchOptions,
  type MessageHandler,
} from './client.ts';
export { CorralError, LimitExceededError, NotFoundError, PermissionDeniedError } from './errors.ts';
export { ErrorCode, PROTOCOL_VERSION } from './codes.ts';
export type {
  Body,
  DirEntry,
  Encoding,
  ErrorCodes,
  FileType,
  FsStatResult,
  InitializeParams,
  JsonValue,
  LogLevel,
  NetFetchResult,
  Permissions,
  RpcErrorObject,
} from './types.ts';
