// connect(): the extension's side of the Corral protocol as a typed API. Calls are checked
// against the protocol's schemas before they leave and after they return.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import {
  checkParams,
  checkResult,
  DEFAULT_MAX_FRAME_BYTES,
  ErrorCode,
  isMethodName,
  methods,
  type Body,
  type Encoding,
  type ExtensionCall,
  type FsListResult,
  type FsStatResult,
  type InitializeParams,
  type JsonValue,
  type LogLevel,
  type NetFetchResult,
  type ParamsOf,
  type ResultOf,
  type RpcNotification,
  type RpcRequest,
} from '../../../app/protocol/index.ts';
import type { Permissions } from '../../../app/policy/manifest.ts';
import { Connection, type Reply } from './connection.ts';
import { CorralError, NotFoundError } from './errors.ts';

/** How long a call waits for the host's answer unless told otherwise (contracts §1's timeoutMs). */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ConnectOptions {
  /** The socket's file descriptor; default `CORRAL_FD` from the environment, else 3. */
  fd?: number;
  /** An already connected socket to use instead of an fd (tests, embedding). */
  socket?: Duplex;
  /** Per-call timeout in milliseconds; default 30 000. */
  timeoutMs?: number;
  /** Frame cap for both directions; default the protocol's 16 MiB. */
  maxFrameBytes?: number;
  /** Called once `shutdown` has been answered; default process.exit. */
  exit?: (code: number) => void;
  /** Told, in one line, about anything the host sent that broke the protocol; default stderr. */
  onProtocolError?: (message: string) => void;
}

export interface CallOptions {
  /** This call's timeout in milliseconds. */
  timeoutMs?: number;
}

export type CommandHandler = (...args: JsonValue[]) => unknown;
export type MessageHandler = (message: JsonValue, channel: string) => void | Promise<void>;
export type DirEntry = FsListResult['entries'][number];
export type FetchOptions = CallOptions & {
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  /** Text, bytes (sent as base64), or the protocol's `{base64}`. */
  body?: string | Uint8Array | Body;
};

/** The API an extension uses; see sdk/node/README.md. */
export interface Corral {
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
  const exit = options.exit ?? ((code: number) => process.exit(code));
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
      return { result: {}, afterSend: () => markReady(init) };
    }
    if (method === 'command/execute') {
      const { command, args } = params.value as ParamsOf<'command/execute'>;
      const handler = commands.get(command);
      if (!handler)
        throw new NotFoundError(`no handler for command "${command}"; register it with onCommand`);
      const checked = checkResult('command/execute', (await handler(...args)) ?? null);
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

  function log(level: LogLevel) {
    return (message: string): Promise<void> =>
      connection
        .notify('log', { level, message: String(message) })
        .catch((err: Error) => report(`could not log: ${err.message}`));
  }

  return {
    fs: {
      async read(path, { encoding, ...rest } = {}) {
        return (await call('fs/read', { path, ...(encoding && { encoding }) }, rest)).data;
      },
      async write(path, data, { encoding, ...rest } = {}) {
        const params =
          typeof data === 'string'
            ? { path, data, ...(encoding && { encoding }) }
            : { path, data: base64(data), encoding: 'base64' as const };
        await call('fs/write', params, rest);
      },
      async list(path, callOptions) {
        return (await call('fs/list', { path }, callOptions)).entries;
      },
      stat: (path, callOptions) => call('fs/stat', { path }, callOptions),
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
