// @corral/sdk: the Node SDK for Corral extensions (docs/protocol.md, sdk/node/README.md).
export {
  connect,
  DEFAULT_TIMEOUT_MS,
  type CallOptions,
  type CommandHandler,
  type ConnectOptions,
  type Corral,
  type DirEntry,
  type FetchOptions,
  type MessageHandler,
} from './client.ts';
export { CorralError, LimitExceededError, NotFoundError, PermissionDeniedError } from './errors.ts';
export {
  ErrorCode,
  PROTOCOL_VERSION,
  type Body,
  type Encoding,
  type FileType,
  type FsStatResult,
  type InitializeParams,
  type JsonValue,
  type LogLevel,
  type NetFetchResult,
} from '../../../app/protocol/index.ts';
export type { Permissions } from '../../../app/policy/manifest.ts';
