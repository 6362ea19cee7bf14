// The SDK's public types, written out in full so that its .d.ts stands alone (no zod, no path into
// Corral's sources) and reads well in an editor. Each one is checked below against the protocol's
// schema-inferred type: a schema change that these do not follow fails the build.
import type * as protocol from '../../../app/protocol/index.ts';
import type * as policy from '../../../app/policy/manifest.ts';

/** Any JSON value: what commands take and return and what IPC carries. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Encoding = 'utf8' | 'base64';
export type FileType = 'file' | 'dir' | 'symlink' | 'other';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A request or response body: UTF-8 text as a string, anything else as base64. */
export type Body = string | { base64: string };

/** What `initialize` tells the extension. */
export interface InitializeParams {
  protocolVersion: 1;
  extension: { id: string; version: string };
  /** The folder the user opened, or null. */
  workspace: string | null;
}

export interface DirEntry {
  name: string;
  type: FileType;
}

export interface FsStatResult {
  type: FileType;
  size: number;
  mtimeMs: number;
}

export interface NetFetchResult {
  status: number;
  headers: Record<string, string>;
  body: Body;
}

/** The manifest's `permissions` shape (contracts §1), for permissions.request. */
export interface Permissions {
  fs?: { path: string; access: 'read' | 'write' }[];
  net?: { host: string; ports?: number[] }[];
  ipc?: { channel: string; access: 'publish' | 'subscribe' | 'both' }[];
  process?: { spawn?: boolean };
}

/** A JSON-RPC error object, as an error travels on the wire. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** The protocol's error codes. */
export interface ErrorCodes {
  readonly ParseError: -32700;
  readonly InvalidRequest: -32600;
  readonly MethodNotFound: -32601;
  readonly InvalidParams: -32602;
  readonly InternalError: -32603;
  readonly PermissionDenied: -32001;
  readonly NotFound: -32002;
  readonly LimitExceeded: -32003;
}

// ---- checked against the schemas (type-level only; nothing of this reaches the .d.ts) ----------

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

/** Compiles only while every public type equals its schema's. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
type SameAsTheProtocol = [
  Assert<Equal<JsonValue, protocol.JsonValue>>,
  Assert<Equal<Encoding, protocol.Encoding>>,
  Assert<Equal<FileType, protocol.FileType>>,
  Assert<Equal<LogLevel, protocol.LogLevel>>,
  Assert<Equal<Body, protocol.Body>>,
  Assert<Equal<InitializeParams, protocol.InitializeParams>>,
  Assert<Equal<DirEntry, protocol.FsListResult['entries'][number]>>,
  Assert<Equal<FsStatResult, protocol.FsStatResult>>,
  Assert<Equal<NetFetchResult, protocol.NetFetchResult>>,
  Assert<Equal<Permissions, policy.Permissions>>,
  Assert<Equal<RpcErrorObject, protocol.RpcErrorObject>>,
  Assert<Equal<ErrorCodes, typeof protocol.ErrorCode>>,
];
