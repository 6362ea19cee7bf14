// connect(): the extension's side of the Corral protocol as a typed API. Calls are checked
// against the protocol's schemas before they leave and after they return.
import { isUtf8 } from 'node:buffer';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import {
  checkParams,
  checkResult,
  DEFAULT_MAX_FRAME_BYTES,
  EXCEPTION_CAPS,
  isMethodName,
  methods,
  resolvePathTemplate,
  type ExceptionReport,
  type ExtensionCall,
  type ParamsOf,
  type ResultOf,
  type RpcNotification,
  type RpcRequest,
} from '../../../app/protocol/index.ts';
import { ErrorCode } from './codes.ts';
import { Connection, type Reply } from './connection.ts';
import { CorralError, NotFoundError, PermissionDeniedError } from './errors.ts';
import { openFileSocket, readDescriptor, type FileSocket } from './file-socket.ts';
import type {
  Body,
  DirEntry,
  Encoding,
  FsStatResult,
  InitializeParams,
  JsonValue,
  LogLevel,
  NetFetchResult,
  Permissions,
} from './types.ts';

/**
 * How long a call waits for the host's answer unless told otherwise: longer than a permission
 * question waits for the user (60 s) plus the host's longest own work (net/fetch, 30 s), so an
 * answer the user gives is never lost to this timeout.
 */
export const DEFAULT_TIMEOUT_MS = 90_000;

export interface ConnectOptions {
  /** The socket's file descriptor; default `CORRAL_FD` from the environment, else 3. */
  fd?: number;
  /** An already connected socket to use instead of an fd (tests, embedding). */
  socket?: Duplex;
  /** Per-call timeout in milliseconds; default 90 000. */
  timeoutMs?: number;
  /** Frame cap for both directions; default the protocol's 16 MiB. */
  maxFrameBytes?: number;
  /** Called once `shutdown` has been answered; default process.exit once stdout and stderr drained. */
  exit?: (code: number) => void;
  /** Told, in one line, about anything the host sent that broke the protocol; default stderr. */
  onProtocolError?: (message: string) => void;
  /** Where paths.resolve finds the path variables; default process.env (set by Corral). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface CallOptions {
  /** This call's timeout in milliseconds. */
  timeoutMs?: number;
}

export type CommandHandler = (...args: JsonValue[]) => unknown;
export type MessageHandler = (message: JsonValue, channel: string) => void | Promise<void>;
export type FetchOptions = CallOptions & {
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  /** Text, bytes (sent as base64), or the protocol's `{base64}`. */
  body?: string | Uint8Array | Body;
};

/**
 * The API an extension uses; see sdk/node/README.md. Every `path` is absolute, or starts with a
 * path variable as in the manifest: '${workspace}/notes.md', '${downloads}/report.csv'.
 */
export interface Corral {
  paths: {
    /**
     * '${downloads}/report.csv' → the real absolute path; throws NotFoundError when no folder is
     * open (${workspace}), PermissionDeniedError when the manifest grants nothing under the
     * variable, CorralError -32602 for a malformed path.
     */
    resolve(path: string): string;
  };
  fs: {
    /** A file's contents: text by default, base64 text with `encoding: 'base64'`. */
    read(path: string, options?: CallOptions & { encoding?: Encoding }): Promise<string>;
    /** Writes text (or base64 text with `encoding: 'base64'`), or bytes (sent as base64). */
    write(
      path: string,
      data: string | Uint8Array,
      options?: CallOptions & { encoding?: Encoding },
    ): Promise<void>;
    list(path: string, options?: CallOptions): Promise<DirEntry[]>;
    stat(path: string, options?: CallOptions): Promise<FsStatResult>;
  };
  net: {
    fetch(url: string, options?: FetchOptions): Promise<NetFetchResult>;
  };
  ipc: {
    publish(channel: string, message: JsonValue, options?: CallOptions): Promise<void>;
    /** Subscribes, then calls `handler` for every message on `channel`. */
    subscribe(channel: string, handler: MessageHandler, options?: CallOptions): Promise<void>;
  };
  permissions: {
    /** Asks the user for optional permissions; true when granted. */
    request(permissions: Permissions, options?: CallOptions): Promise<boolean>;
  };
  /** Lines for the host's log; each promise resolves once written and never rejects. */
  log: Record<LogLevel, (message: string) => Promise<void>>;
  /** Registers the handler for `command/execute` of `id`; its return value is the result. */
  onCommand(id: string, handler: CommandHandler): void;
  /** Runs before `initialize` is answered; a throw fails the initialize. */
  onInitialize(hook: (params: InitializeParams) => void | Promise<void>): void;
  /** Runs before `shutdown` is answered and the process exits. */
  onShutdown(hook: () => void | Promise<void>): void;
  /** Resolves with the initialize params once `initialize` has been answered; never rejects. */
  readonly ready: Promise<InitializeParams>;
  /** Closes the connection; pending calls fail. */
  close(): void;
}

/** Connects to the host over the inherited socket (fd `CORRAL_FD`, default 3). */
export function connect(options: ConnectOptions = {}): Corral {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env = options.env ?? process.env;
  const exit = options.exit ?? exitAfterOutput;
  const report =
    options.onProtocolError ??
    ((message: string) => void process.stderr.write(`corral-sdk: ${message}\n`));
  const commands = new Map<string, CommandHandler>();
  const subscribers = new Map<string, Set<MessageHandler>>();
  let initializeHook: ((params: InitializeParams) => void | Promise<void>) | undefined;
  let shutdownHook: (() => void | Promise<void>) | undefined;
  let initialized = false;
  let markReady: (params: InitializeParams) => void = () => undefined;
  const ready = new Promise<InitializeParams>((resolve) => (markReady = resolve));

  // Version 2 (fs/open) when the host offers it and descriptors can be received here.
  const files: FileSocket | null = options.socket ? null : openFileSocket(env, report);
  const connection = new Connection({
    socket: options.socket ?? openFd(options.fd ?? fdFromEnvironment()),
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    onRequest: answer,
    onNotification: deliver,
    onProtocolError: report,
  });

  async function answer(request: RpcRequest): Promise<Reply> {
    const { method } = request;
    if (!isMethodName(method) || methods[method].direction !== 'host-to-extension')
      throw new CorralError(ErrorCode.MethodNotFound, `unknown method "${method}"`);
    const params = checkParams(method, request.params);
    if (!params.ok)
      throw new CorralError(params.error.code, params.error.message, params.error.data);
    if (method === 'initialize') {
      const init = params.value as InitializeParams;
      if (initialized) throw new CorralError(ErrorCode.InvalidRequest, 'already initialized');
      await initializeHook?.(init);
      initialized = true;
      return {
        result: files ? { protocolVersion: 2 } : {},
        afterSend: () => markReady(init),
      };
    }
    if (method === 'command/execute') {
      const { command, args } = params.value as ParamsOf<'command/execute'>;
      const handler = commands.get(command);
      if (!handler)
        throw new NotFoundError(`no handler for command "${command}"; register it with onCommand`);
      const value = await runCommandHandler(command, handler, args);
      const checked = checkResult('command/execute', value ?? null);
      if (!checked.ok)
        throw new CorralError(
          ErrorCode.InternalError,
          `command "${command}" returned a value that is not JSON`,
        );
      return { result: checked.value };
    }
    if (method === 'shutdown') {
      try {
        await shutdownHook?.();
      } catch (err) {
        report(`the shutdown hook failed: ${(err as Error).message}`);
      }
      // The host waits for this answer: exit only once it has left.
      return { result: {}, afterSend: () => exit(0) };
    }
    throw new CorralError(ErrorCode.MethodNotFound, `"${method}" is a notification, not a call`);
  }

  function deliver(notification: RpcNotification): void {
    if (notification.method !== 'ipc/message')
      return report(`the host sent the unknown notification "${notification.method}"`);
    const params = checkParams('ipc/message', notification.params);
    if (!params.ok) return report(params.error.message);
    const { channel, message } = params.value;
    const handlers = subscribers.get(channel);
    if (!handlers?.size) return report(`ipc/message on "${channel}", which has no subscriber`);
    for (const handler of handlers)
      Promise.resolve()
        .then(() => handler(message, channel))
        .catch((err: unknown) =>
          report(`the handler for "${channel}" failed: ${(err as Error)?.message ?? String(err)}`),
        );
  }

  /** Checks the params, calls, and returns the checked result. */
  async function call<M extends ExtensionCall>(
    method: M,
    params: ParamsOf<M>,
    callOptions: CallOptions | undefined,
  ): Promise<ResultOf<M>> {
    const checked = checkParams(method, params);
    if (!checked.ok)
      throw new CorralError(checked.error.code, checked.error.message, checked.error.data);
    return connection.call(method, checked.value, callOptions?.timeoutMs ?? timeoutMs);
  }

  /** fs/open: the call, then its descriptor from the file socket. */
  async function openFile(
    socket: FileSocket,
    path: string,
    callOptions: CallOptions | undefined,
  ): Promise<{ fd: number; size: number }> {
    const { size, handle } = await call('fs/open', { path }, callOptions);
    const fd = socket.take(handle);
    if (fd === null)
      throw new CorralError(
        ErrorCode.InternalError,
        `the descriptor of ${path} did not arrive on the file socket (CORRAL_FILE_FD)`,
      );
    return { fd, size };
  }

  /** A file's bytes: through a read-only descriptor (version 2), else as JSON (fs/read). */
  async function readFile(
    path: string,
    encoding: Encoding | undefined,
    callOptions: CallOptions,
  ): Promise<string> {
    if (!files) {
      const params = { path, ...(encoding && { encoding }) };
      return (await call('fs/read', params, callOptions)).data;
    }
    const { fd, size } = await openFile(files, path, callOptions);
    const bytes = await readDescriptor(fd, size);
    if (encoding === 'base64') return bytes.toString('base64');
    // As fs/read answers: text must be UTF-8 (the host checks it there, the SDK here).
    if (!isUtf8(bytes))
      throw new CorralError(
        ErrorCode.InvalidParams,
        `${path} is not UTF-8 text; read it with encoding "base64"`,
      );
    return bytes.toString('utf8');
  }

  function log(level: LogLevel) {
    return (message: string): Promise<void> =>
      connection
        .notify('log', { level, message: String(message) })
        .catch((err: Error) => report(`could not log: ${err.message}`));
  }

  /** A path as the host wants it: absolute, with any leading ${variable} resolved. */
  function resolve(path: string): string {
    const r = resolvePathTemplate(path, env);
    if (r.ok) return r.path;
    if (r.problem.code === 'invalid')
      throw new CorralError(ErrorCode.InvalidParams, r.problem.message);
    if (path.startsWith('${workspace}')) throw new NotFoundError(r.problem.message);
    throw new PermissionDeniedError(r.problem.message);
  }

  return {
    paths: { resolve },
    fs: {
      async read(path, { encoding, ...rest } = {}) {
        return readFile(resolve(path), encoding, rest);
      },
      async write(path, data, { encoding, ...rest } = {}) {
        const params =
          typeof data === 'string'
            ? { path: resolve(path), data, ...(encoding && { encoding }) }
            : { path: resolve(path), data: base64(data), encoding: 'base64' as const };
        await call('fs/write', params, rest);
      },
      async list(path, callOptions) {
        return (await call('fs/list', { path: resolve(path) }, callOptions)).entries;
      },
      stat: async (path, callOptions) => call('fs/stat', { path: resolve(path) }, callOptions),
    },
    net: {
      fetch(url, { method, headers, body, ...rest } = {}) {
        const params: ParamsOf<'net/fetch'> = { url };
        if (method !== undefined) params.method = method;
        if (headers !== undefined) params.headers = headers;
        if (body !== undefined)
          params.body = body instanceof Uint8Array ? { base64: base64(body) } : body;
        return call('net/fetch', params, rest);
      },
    },
    ipc: {
      async publish(channel, message, callOptions) {
        await call('ipc/publish', { channel, message }, callOptions);
      },
      async subscribe(channel, handler, callOptions) {
        // Registered first: the host may deliver right after its answer.
        const handlers = subscribers.get(channel) ?? new Set<MessageHandler>();
        subscribers.set(channel, handlers.add(handler));
        try {
          await call('ipc/subscribe', { channel }, callOptions);
        } catch (err) {
          handlers.delete(handler);
          throw err;
        }
      },
    },
    permissions: {
      async request(permissions, callOptions) {
        return (await call('permissions/request', { permissions }, callOptions)).granted;
      },
    },
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    onCommand(id, handler) {
      commands.set(id, handler);
    },
    onInitialize(hook) {
      initializeHook = hook;
    },
    onShutdown(hook) {
      shutdownHook = hook;
    },
    ready,
    close: () => connection.close(),
  };
}

/**
 * Runs a command's handler. What it throws becomes the error the host gets: a CorralError as it
 * is (a refusal or a deliberate error), anything else -32603 with its type, message and stack in
 * `data`, so that `corral run` can show the author where it happened.
 */
async function runCommandHandler(
  command: string,
  handler: CommandHandler,
  args: JsonValue[],
): Promise<unknown> {
  try {
    return await handler(...args);
  } catch (err) {
    // This function's own frame: the stack is the author's code above it, the SDK's below.
    const here = new Error().stack?.split('\n').find((line) => /^\s+at /.test(line));
    throw commandFailure(command, err, here === undefined ? null : frameKey(here));
  }
}

function commandFailure(command: string, err: unknown, sdkFrame: string | null): CorralError {
  if (err instanceof CorralError) return err;
  const exception: ExceptionReport =
    err instanceof Error
      ? {
          type: (err.name || err.constructor?.name || 'Error').slice(0, EXCEPTION_CAPS.type),
          message: err.message.slice(0, EXCEPTION_CAPS.message),
          ...(err.stack ? { stack: frames(err.stack, sdkFrame) } : {}),
        }
      : { type: typeof err, message: String(err).slice(0, EXCEPTION_CAPS.message) };
  const first = exception.message.split('\n')[0] || exception.type;
  return new CorralError(
    ErrorCode.InternalError,
    `command "${command}" threw ${exception.type}: ${first}`,
    { exception },
  );
}

/** The "at …" lines of a V8 stack down to the SDK's frame, without Node's internals, capped. */
function frames(stack: string, sdkFrame: string | null): string {
  const lines = stack.split('\n').filter((line) => /^\s+at /.test(line));
  const end = lines.findIndex((line) => frameKey(line) === sdkFrame);
  return (end === -1 ? lines : lines.slice(0, end))
    .filter((line) => !line.includes('(node:internal/'))
    .slice(0, EXCEPTION_CAPS.frames)
    .map((line) => line.trim())
    .join('\n')
    .slice(0, EXCEPTION_CAPS.stack);
}

/** A frame without "async" and positions: the same function in the same file. */
function frameKey(line: string): string {
  return line
    .trim()
    .replace(/^at (async )?/, '')
    .replace(/:\d+:\d+\)?$/, '');
}

/**
 * process.exit once what the extension printed has left: stdout and stderr to a pipe are
 * asynchronous in Node, and exiting with lines still queued loses them (issue 13: 100,000
 * console.log lines reached the host as 2,291).
 */
function exitAfterOutput(code: number): void {
  let waiting = 2;
  const done = () => {
    if (--waiting === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fdFromEnvironment(): number {
  const raw = process.env.CORRAL_FD ?? '3';
  if (!/^\d+$/.test(raw))
    throw new CorralError(
      ErrorCode.InvalidParams,
      `CORRAL_FD is "${raw}", not a file descriptor number; start the extension with "corral run"`,
    );
  return Number(raw);
}

function openFd(fd: number): net.Socket {
  try {
    return new net.Socket({ fd, readable: true, writable: true });
  } catch (err) {
    throw new CorralError(
      ErrorCode.InternalError,
      `file descriptor ${fd} is not a socket from Corral (${(err as Error).message}); start the extension with "corral run"`,
    );
  }
}
