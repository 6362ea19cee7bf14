// Every method of the extension protocol (contracts §4): one zod schema for its params and one for
// its result, gathered in a table that both the host's broker and the SDKs read.
import * as z from 'zod';
import { ipcChannelSchema, permissionsSchema } from '../policy/manifest.ts';
import { ErrorCode } from './error-codes.ts';
import { firstIssue, type RpcErrorObject } from './envelope.ts';

/**
 * The version `initialize` carries: the one every extension speaks. The host offers more in the
 * extension's environment (CORRAL_PROTOCOL_MAX), and the extension takes it in its answer to
 * `initialize` (docs/protocol.md, Versions); without that answer the run speaks version 1.
 */
export const PROTOCOL_VERSION = 1;
/** The newest version this Corral speaks: 2 adds fs/open (a read-only descriptor). */
export const LATEST_PROTOCOL_VERSION = 2;
export const protocolVersionSchema = z.union([z.literal(1), z.literal(2)]);
export type ProtocolVersion = z.infer<typeof protocolVersionSchema>;

/** Any JSON value (what `command/execute` returns and what IPC carries). */
export const jsonValueSchema = z.json();

/** `{}`: the params of `shutdown` and the result of every call that only acknowledges. */
export const emptySchema = z.strictObject({});

/**
 * An absolute path as the extension sees it. PATH_MAX (4096, limits.h) bounds it; a NUL byte would
 * cut the path short at the system call, so it is refused here rather than found out there.
 */
export const absolutePathSchema = z
  .string()
  .max(4096)
  .refine((p) => p.startsWith('/'), 'expected an absolute path (starting with "/")')
  .refine((p) => !p.includes('\0'), 'a path cannot contain a NUL character');

export const encodingSchema = z.enum(['utf8', 'base64']);
export const fileTypeSchema = z.enum(['file', 'dir', 'symlink', 'other']);

/** A request or response body: UTF-8 text as a string, anything else as `{base64}`. */
export const bodySchema = z.union([z.string(), z.strictObject({ base64: z.base64() })]);

// RFC 9110 §5.1 token for header names; values without CR, LF or NUL, so that no header can smuggle
// another one (CWE-113, HTTP response splitting).
const headerNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a header name');
const headerValueSchema = z.string().regex(/^[^\r\n\0]*$/, 'a header value cannot span lines');
export const headersSchema = z.record(headerNameSchema, headerValueSchema);

// ---- host → extension ----------------------------------------------------------------------

export const initializeParamsSchema = z.strictObject({
  protocolVersion: z.literal(PROTOCOL_VERSION),
  extension: z.strictObject({ id: z.string().min(1), version: z.string().min(1) }),
  /** The folder the user opened, or null when there is none. */
  workspace: absolutePathSchema.nullable(),
});

/** `{}` (version 1), or the version the extension takes from what the host offered. */
export const initializeResultSchema = z.union([
  emptySchema,
  z.strictObject({ protocolVersion: protocolVersionSchema }),
]);

/**
 * The version a run speaks, from the extension's answer to `initialize` and what the host offered:
 * an answer without `protocolVersion` is version 1 (version 1 hosts never read the answer, so an
 * extension of theirs that answered more than `{}` keeps starting); a version named must be one
 * this Corral speaks and the host offered.
 */
export function negotiatedVersion(
  answer: unknown,
  offered: ProtocolVersion,
): { ok: true; version: ProtocolVersion } | { ok: false; message: string } {
  if (typeof answer !== 'object' || answer === null || !('protocolVersion' in answer))
    return { ok: true, version: 1 };
  const asked = protocolVersionSchema.safeParse(answer.protocolVersion);
  if (!asked.success)
    return {
      ok: false,
      message: `its answer to initialize names protocol version ${String(JSON.stringify(answer.protocolVersion)).slice(0, 20)}, which Corral does not speak; fix: answer {} or {"protocolVersion": ${offered}}`,
    };
  if (asked.data > offered)
    return {
      ok: false,
      message: `it asked for protocol version ${asked.data}, and this run offered at most ${offered}; fix: answer initialize with {} or a version up to CORRAL_PROTOCOL_MAX`,
    };
  return { ok: true, version: asked.data };
}

export const commandExecuteParamsSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(jsonValueSchema),
});

export const ipcMessageParamsSchema = z.strictObject({
  channel: ipcChannelSchema,
  message: jsonValueSchema,
});

// ---- extension → host ----------------------------------------------------------------------

export const fsReadParamsSchema = z.strictObject({
  path: absolutePathSchema,
  /** Default utf8. */
  encoding: encodingSchema.optional(),
});
export const fsReadResultSchema = z.strictObject({ data: z.string() });

/** fs/open (version 2): the path, decided exactly as fs/read. */
export const fsOpenParamsSchema = z.strictObject({ path: absolutePathSchema });
/**
 * The descriptor travels on the file socket (CORRAL_FILE_FD) as one message whose bytes are
 * `handle` in decimal; `size` is the file's size when it was opened.
 */
export const fsOpenResultSchema = z.strictObject({
  size: z.number().int().nonnegative(),
  handle: z.number().int().positive(),
});

export const fsWriteParamsSchema = z.strictObject({
  path: absolutePathSchema,
  data: z.string(),
  /** Default utf8. */
  encoding: encodingSchema.optional(),
});

export const fsListParamsSchema = z.strictObject({ path: absolutePathSchema });
export const fsListResultSchema = z.strictObject({
  entries: z.array(z.strictObject({ name: z.string().min(1), type: fileTypeSchema })),
});

export const fsStatParamsSchema = z.strictObject({ path: absolutePathSchema });
export const fsStatResultSchema = z.strictObject({
  type: fileTypeSchema,
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
});

export const netFetchParamsSchema = z.strictObject({
  /** http or https; which hosts and ports are allowed is the policy's decision, not the schema's. */
  url: z.url({ protocol: /^https?$/ }),
  /** Default GET. */
  method: z
    .string()
    .regex(/^[A-Z]{1,16}$/, 'expected an upper-case HTTP method such as "GET"')
    .optional(),
  headers: headersSchema.optional(),
  body: bodySchema.optional(),
});
export const netFetchResultSchema = z.strictObject({
  status: z.number().int().min(100).max(599),
  headers: headersSchema,
  body: bodySchema,
});

export const ipcPublishParamsSchema = z.strictObject({
  channel: ipcChannelSchema,
  message: jsonValueSchema,
});

export const ipcSubscribeParamsSchema = z.strictObject({ channel: ipcChannelSchema });

export const permissionsRequestParamsSchema = z.strictObject({ permissions: permissionsSchema });
export const permissionsRequestResultSchema = z.strictObject({ granted: z.boolean() });

export const logLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export const logParamsSchema = z.strictObject({ level: logLevelSchema, message: z.string() });

// ---- the table -----------------------------------------------------------------------------

export type Direction = 'host-to-extension' | 'extension-to-host';

function call<D extends Direction, P extends z.ZodType, R extends z.ZodType>(
  direction: D,
  params: P,
  result: R,
  since: ProtocolVersion = 1,
) {
  return { direction, kind: 'request' as const, params, result, since };
}

function notification<D extends Direction, P extends z.ZodType>(direction: D, params: P) {
  return { direction, kind: 'notification' as const, params, result: null, since: 1 as const };
}

/**
 * Every method: who sends it, its params schema, its result schema (null for notifications), and
 * the protocol version that added it (`since`); a run speaking an older version has no such method.
 */
export const methods = {
  initialize: call('host-to-extension', initializeParamsSchema, initializeResultSchema),
  'command/execute': call('host-to-extension', commandExecuteParamsSchema, jsonValueSchema),
  'ipc/message': notification('host-to-extension', ipcMessageParamsSchema),
  shutdown: call('host-to-extension', emptySchema, emptySchema),
  'fs/read': call('extension-to-host', fsReadParamsSchema, fsReadResultSchema),
  'fs/open': call('extension-to-host', fsOpenParamsSchema, fsOpenResultSchema, 2),
  'fs/write': call('extension-to-host', fsWriteParamsSchema, emptySchema),
  'fs/list': call('extension-to-host', fsListParamsSchema, fsListResultSchema),
  'fs/stat': call('extension-to-host', fsStatParamsSchema, fsStatResultSchema),
  'net/fetch': call('extension-to-host', netFetchParamsSchema, netFetchResultSchema),
  'ipc/publish': call('extension-to-host', ipcPublishParamsSchema, emptySchema),
  'ipc/subscribe': call('extension-to-host', ipcSubscribeParamsSchema, emptySchema),
  'permissions/request': call(
    'extension-to-host',
    permissionsRequestParamsSchema,
    permissionsRequestResultSchema,
  ),
  log: notification('extension-to-host', logParamsSchema),
} as const;

type Table = typeof methods;
export type MethodName = keyof Table;
/** Methods answered with a result. */
export type CallMethod = {
  [M in MethodName]: Table[M]['kind'] extends 'request' ? M : never;
}[MethodName];
/** Methods sent as notifications (no id, no answer). */
export type NotificationMethod = Exclude<MethodName, CallMethod>;
/** Calls the host makes and the extension answers. */
export type HostCall = CallMethod &
  { [M in MethodName]: Table[M]['direction'] extends 'host-to-extension' ? M : never }[MethodName];
/** Calls the extension makes and the host answers. */
export type ExtensionCall = Exclude<CallMethod, HostCall>;
export type ParamsOf<M extends MethodName> = z.infer<Table[M]['params']>;
export type ResultOf<M extends CallMethod> = z.infer<NonNullable<Table[M]['result']>>;

export type InitializeParams = ParamsOf<'initialize'>;
export type CommandExecuteParams = ParamsOf<'command/execute'>;
export type IpcMessageParams = ParamsOf<'ipc/message'>;
export type FsReadResult = ResultOf<'fs/read'>;
export type FsOpenResult = ResultOf<'fs/open'>;
export type FsListResult = ResultOf<'fs/list'>;
export type FsStatResult = ResultOf<'fs/stat'>;
export type NetFetchParams = ParamsOf<'net/fetch'>;
export type NetFetchResult = ResultOf<'net/fetch'>;
export type Body = z.infer<typeof bodySchema>;
export type Encoding = z.infer<typeof encodingSchema>;
export type FileType = z.infer<typeof fileTypeSchema>;
export type LogLevel = z.infer<typeof logLevelSchema>;
export type JsonValue = z.infer<typeof jsonValueSchema>;

/** True when `name` is a call the extension makes and the host answers. */
export function isExtensionCall(name: string): name is ExtensionCall {
  if (!isMethodName(name)) return false;
  const m = methods[name];
  return m.direction === 'extension-to-host' && m.kind === 'request';
}

/**
 * How the host answers each extension call, typed from the schemas: a method left out, or a
 * handler whose result no longer fits its schema, fails the typecheck.
 */
export type ExtensionCallHandlers = {
  [M in ExtensionCall]: (params: ParamsOf<M>) => Promise<ResultOf<M>>;
};

/** True when `name` is a method of this protocol version (own keys only: "toString" is not one). */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: RpcErrorObject };

/** Validates a method's params (omitted params count as `{}`); the error is ready to send as -32602. */
export function checkParams<M extends MethodName>(
  method: M,
  params: unknown,
): Checked<ParamsOf<M>> {
  return check(
    methods[method].params,
    params ?? {},
    ErrorCode.InvalidParams,
    `params for ${method}`,
  );
}

/** Validates a call's result; the error (-32603) says the peer answered out of contract. */
export function checkResult<M extends CallMethod>(
  method: M,
  result: unknown,
): Checked<ResultOf<M>> {
  return check(methods[method].result, result, ErrorCode.InternalError, `result for ${method}`);
}

function check<T>(schema: z.ZodType, value: unknown, code: number, what: string): Checked<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data as T };
  const message = `invalid ${what}: ${firstIssue(r.error)}`;
  return { ok: false, error: { code, message, data: { issues: issueList(r.error) } } };
}

/** At most ten issues as plain data (path and message), for the error's `data`. */
function issueList(error: z.ZodError): { path: string; message: string }[] {
  return error.issues
    .slice(0, 10)
    .map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
