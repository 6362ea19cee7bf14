// One JSON-RPC peer over a stream socket: framed writes that respect backpressure, calls with
// timeouts whose results are checked against the protocol table, and dispatch of the host's
// requests and notifications. Nothing the host sends can throw out of here.
import type { Duplex } from 'node:stream';
import {
  checkResult,
  createFrameDecoder,
  encodeFrame,
  ErrorCode,
  makeError,
  makeNotification,
  makeRequest,
  makeResult,
  type CallMethod,
  type DecodedFrame,
  type FrameError,
  type NotificationMethod,
  type ResultOf,
  type RpcErrorObject,
  type RpcMessage,
  type RpcNotification,
  type RpcRequest,
  type RpcResponse,
} from '../../../app/protocol/index.ts';
import { CorralError, errorFromObject, LimitExceededError } from './errors.ts';

export interface ConnectionOptions {
  socket: Duplex;
  maxFrameBytes: number;
  /** Answers one request from the host: a reply, or a thrown CorralError. */
  onRequest: (request: RpcRequest) => Promise<Reply>;
  onNotification: (notification: RpcNotification) => void;
  /** Something the host sent or did that broke the protocol; one line. */
  onProtocolError: (message: string) => void;
}

/** The result of a host request, and what to do once it has been written (or failed to be). */
export interface Reply {
  result: unknown;
  afterSend?: () => void;
}

interface Pending {
  method: CallMethod;
  resolve: (value: unknown) => void;
  reject: (error: CorralError) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Outgoing {
  bytes: Uint8Array;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A JSON-RPC peer on `socket`; it starts reading at once. */
export class Connection {
  private readonly pending = new Map<number, Pending>();
  private readonly queue: Outgoing[] = [];
  private nextId = 1;
  private blocked = false;
  private closed: CorralError | null = null;

  constructor(private readonly options: ConnectionOptions) {
    const { socket } = options;
    const decoder = createFrameDecoder({
      maxFrameBytes: options.maxFrameBytes,
      onFrame: (frame) => this.receive(frame),
      onError: (error) => this.refuse(error),
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('end', () => decoder.end());
    socket.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
    socket.on('error', (err) => this.shut(`the connection to the host failed: ${err.message}`));
    socket.on('close', () => this.shut('the connection to the host is closed'));
  }

  /** Calls a host method and resolves with its checked result. */
  call<M extends CallMethod>(method: M, params: object, timeoutMs: number): Promise<ResultOf<M>> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new LimitExceededError(`${method} got no answer within ${timeoutMs} ms`, { timeoutMs }),
        );
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
      this.send(makeRequest(id, method, params)).catch((err: Error) =>
        this.settle(id, { error: asCorralError(err) }),
      );
    });
  }

  /** Sends a notification; resolves once the socket has taken it. */
  notify(method: NotificationMethod, params: object): Promise<void> {
    return this.send(makeNotification(method, params));
  }

  /** Sends one frame, queued behind earlier ones while the socket asks us to wait ('drain'). */
  send(message: RpcMessage): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    let bytes: Uint8Array;
    try {
      bytes = encodeFrame(message);
    } catch (err) {
      return Promise.reject(asCorralError(err)); // a value JSON cannot carry (cycle, BigInt)
    }
    if (bytes.length - 1 > this.options.maxFrameBytes)
      return Promise.reject(
        new LimitExceededError(
          `the message is ${bytes.length - 1} bytes, over the ${this.options.maxFrameBytes}-byte frame limit`,
          { limit: this.options.maxFrameBytes },
        ),
      );
    return new Promise((resolve, reject) => {
      this.queue.push({ bytes, resolve, reject });
      this.flush();
    });
  }

  /** Closes the socket; pending calls fail. */
  close(): void {
    this.options.socket.destroy();
    this.shut('the connection to the host is closed');
  }

  private flush(): void {
    while (!this.blocked && this.queue.length > 0) {
      const item = this.queue.shift()!;
      const ok = this.options.socket.write(item.bytes, (err) =>
        err ? item.reject(err) : item.resolve(),
      );
      if (!ok) this.blocked = true;
    }
  }

  private receive(frame: DecodedFrame): void {
    if (frame.kind === 'response') return this.answer(frame.message);
    if (frame.kind === 'notification') return this.options.onNotification(frame.message);
    const { id, method } = frame.message;
    this.options
      .onRequest(frame.message)
      .then(
        (reply) => ({ response: makeResult(id, reply.result), afterSend: reply.afterSend }),
        (err: unknown) => ({
          response: makeError(id, asCorralError(err).toErrorObject()),
          afterSend: undefined,
        }),
      )
      .then(({ response, afterSend }) =>
        this.send(response)
          .catch((err: unknown) => this.answerUnsent(id, method, response, err))
          .finally(afterSend),
      );
  }

  /**
   * A result that could not be sent (over the frame limit) is answered with that error instead,
   * so the host learns at once rather than waiting out its timeout (docs/protocol.md, Limits).
   */
  private async answerUnsent(
    id: RpcRequest['id'],
    method: string,
    response: RpcResponse,
    err: unknown,
  ): Promise<void> {
    const failure = asCorralError(err);
    if ('result' in response && !this.closed) {
      const refusal = new CorralError(
        failure.code,
        `the result of ${method} could not be sent: ${failure.message}`,
        failure.data,
      );
      const sent = await this.send(makeError(id, refusal.toErrorObject())).then(
        () => true,
        () => false,
      );
      if (sent) return;
    }
    this.options.onProtocolError(`could not answer ${method}: ${failure.message}`);
  }

  private answer(response: RpcResponse): void {
    const id = typeof response.id === 'number' ? response.id : NaN;
    if (!this.pending.has(id)) {
      const what = 'error' in response ? `error "${response.error.message}"` : 'result';
      return this.options.onProtocolError(
        `the host sent an ${what} for call ${JSON.stringify(response.id)}, which is not waiting (timed out?)`,
      );
    }
    this.settle(id, 'error' in response ? { error: errorFromObject(response.error) } : response);
  }

  private settle(id: number, outcome: { result: unknown } | { error: CorralError }): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if ('error' in outcome) return pending.reject(outcome.error);
    const checked = checkResult(pending.method, outcome.result);
    if (checked.ok) pending.resolve(checked.value);
    else pending.reject(errorFromObject(checked.error));
  }

  // A frame the decoder refused: fail the call it answered, or answer it (JSON-RPC 2.0 §5).
  private refuse(error: FrameError): void {
    this.options.onProtocolError(`the host sent a bad frame: ${error.message}`);
    const refusal: RpcErrorObject = { code: error.code, message: error.message };
    if (error.looksLike !== 'response') {
      this.send(makeError(error.id, refusal)).catch(() => undefined); // closed: already reported
      return;
    }
    if (typeof error.id === 'number')
      this.settle(error.id, {
        error: new CorralError(
          ErrorCode.InternalError,
          `the host answered out of protocol: ${error.message}`,
        ),
      });
  }

  private shut(reason: string): void {
    if (this.closed) return;
    this.closed = new CorralError(ErrorCode.InternalError, reason);
    for (const item of this.queue.splice(0)) item.reject(this.closed);
    for (const id of [...this.pending.keys()]) this.settle(id, { error: this.closed });
  }
}

/** Any thrown value as a CorralError (a plain Error becomes -32603 with its first line). */
export function asCorralError(err: unknown): CorralError {
  if (err instanceof CorralError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CorralError(ErrorCode.InternalError, message.split('\n')[0] ?? '');
}
