// One JSON-RPC 2.0 channel with an extension over its socket: frames in and out, calls the host
// makes (with timeouts), and backpressure both ways. A peer in a sandbox is untrusted, so nothing
// it sends can throw here, and a peer that floods only slows itself down.
import { logEntry } from '../platform/log.ts';
import type { Duplex } from 'node:stream';
import { createFrameDecoder, type DecodedFrame } from '../protocol/frame-decoder.ts';
import {
  makeError,
  makeNotification,
  makeRequest,
  makeResult,
  type FrameError,
  type RpcErrorObject,
  type RpcId,
  type RpcMessage,
} from '../protocol/envelope.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { wallClockTimer, type CallTimer, type StartTimer } from './user-wait.ts';

/** A failure to answer with: code and message as the protocol defines them. */
export class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** A call the peer did not answer in time: the watchdog's sign that the extension is hung. */
export class RpcTimeout extends RpcFailure {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(ErrorCode.LimitExceeded, `${method} did not answer within ${timeoutMs} ms`);
  }
}

/** The peer is gone (its socket closed or it exited): nothing asked of it will be answered. */
export class PeerGone extends RpcFailure {
  constructor(
    message: string,
    /** How it ended ("exit status 3", "killed by signal 9") when that is known and in the message. */
    readonly exit?: string,
  ) {
    super(ErrorCode.InternalError, message);
  }
}

export interface RpcPeerOptions {
  stream: Duplex;
  maxFrameBytes: number;
  /**
   * Requests handled at once; past this the peer stops reading the socket until one finishes, so
   * a flood fills the extension's own socket buffer instead of the host's memory or event loop.
   */
  maxInFlight: number;
  /** Output the extension has not read yet, past which notifications to it are dropped (counted). */
  maxUnreadBytes: number;
  onRequest: (method: string, params: unknown) => Promise<unknown>;
  onNotification: (method: string, params: unknown) => void;
  onFrameError: (error: FrameError) => void;
  /** Notifications dropped because the extension does not read its socket. */
  onDropped: (method: string) => void;
  onClose: () => void;
  /** The clock of call timeouts; wall-clock time unless given (UserWait pauses it for prompts). */
  startTimer?: StartTimer;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: CallTimer;
}

export class RpcPeer {
  private readonly pending = new Map<RpcId, Pending>();
  private readonly queue: DecodedFrame[] = [];
  private nextId = 1;
  private inFlight = 0;
  private paused = false;
  private closed = false;

  constructor(private readonly options: RpcPeerOptions) {
    const decoder = createFrameDecoder({
      maxFrameBytes: options.maxFrameBytes,
      onFrame: (frame) => this.accept(frame),
      onError: (error) => this.frameError(error),
    });
    const stream = options.stream;
    stream.on('data', (chunk: Buffer) => decoder.push(chunk));
    stream.on('end', () => decoder.end());
    stream.on('error', () => this.close());
    stream.on('close', () => this.close());
  }

  /**
   * Calls a method of the extension; rejects with RpcFailure on an error answer, RpcTimeout when
   * no answer came in time, PeerGone when the extension is not there to answer.
   */
  call(method: string, params: object, timeoutMs: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new PeerGone('the extension is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = (this.options.startTimer ?? wallClockTimer)(timeoutMs, () => {
        this.pending.delete(id);
        reject(new RpcTimeout(method, timeoutMs));
      });
      this.pending.set(id, { resolve, reject, timer });
      this.send(makeRequest(id, method, params));
    });
  }

  /** Sends a notification unless the extension stopped reading (then it is dropped and counted). */
  notify(method: string, params: object): boolean {
    if (this.closed) return false;
    if (this.options.stream.writableLength > this.options.maxUnreadBytes) {
      this.options.onDropped(method);
      return false;
    }
    this.send(makeNotification(method, params));
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) {
      p.timer.cancel();
      p.reject(new PeerGone('the extension went away'));
    }
    this.pending.clear();
    this.queue.length = 0;
    this.options.stream.destroy();
    this.options.onClose();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private send(message: RpcMessage): void {
    if (this.closed) return;
    this.options.stream.write(JSON.stringify(message) + '\n');
  }

  private accept(frame: DecodedFrame): void {
    if (frame.kind === 'response') return this.settle(frame.message);
    this.queue.push(frame);
    this.drain();
  }

  private drain(): void {
    while (!this.closed && this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const frame = this.queue.shift()!;
      if (frame.kind === 'notification') {
        this.safely(() => this.options.onNotification(frame.message.method, frame.message.params));
      } else if (frame.kind === 'request') {
        this.inFlight++;
        const { id, method, params } = frame.message;
        this.options
          .onRequest(method, params)
          .then(
            (result) => this.send(makeResult(id, result ?? {})),
            (err: unknown) => this.send(makeError(id, toErrorObject(err))),
          )
          .finally(() => {
            this.inFlight--;
            this.drain();
          });
      }
    }
    // Reading resumes only once the backlog is gone: the kernel buffer is the queue meanwhile.
    const stream = this.options.stream;
    const shouldPause = this.queue.length > 0 || this.inFlight >= this.options.maxInFlight;
    if (shouldPause && !this.paused) {
      this.paused = true;
      stream.pause();
    } else if (!shouldPause && this.paused) {
      this.paused = false;
      stream.resume();
    }
  }

  private settle(message: { id: RpcId | null; result?: unknown; error?: RpcErrorObject }): void {
    if (message.id === null) return;
    const pending = this.pending.get(message.id);
    if (!pending) return; // late answer to a call that timed out: nothing waits for it
    this.pending.delete(message.id);
    pending.timer.cancel();
    if (message.error)
      pending.reject(new RpcFailure(message.error.code, message.error.message, message.error.data));
    else pending.resolve(message.result);
  }

  private frameError(error: FrameError): void {
    this.safely(() => this.options.onFrameError(error));
    // JSON-RPC: a broken request still gets an answer, with its id when it could be read.
    if (error.looksLike !== 'response' && error.looksLike !== 'notification') {
      this.send(makeError(error.id, { code: error.code, message: error.message }));
    }
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // A handler's own bug must not break the channel, nor pass unseen.
      logInternalError('notification or frame-error handler', e);
    }
  }
}

/** A host-side bug, logged as one structured line for whoever debugs it (never sent to the peer). */
function logInternalError(context: string, e: unknown): void {
  logEntry({ level: 'error', component: 'rpc-peer', context, error: e });
}

function toErrorObject(err: unknown): RpcErrorObject {
  if (err instanceof RpcFailure) {
    return err.data === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, data: err.data };
  }
  logInternalError('request handler', err);
  return { code: ErrorCode.InternalError, message: 'the host failed to handle this call' };
}
