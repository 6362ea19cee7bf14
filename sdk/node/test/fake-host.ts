// A scripted Corral host for the SDK tests: the far end of a real unix socket, decoding with the
// protocol's own decoder, recording every frame and answering as each test tells it to.
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import {
  createFrameDecoder,
  encodeFrame,
  makeError,
  makeNotification,
  makeRequest,
  makeResult,
  type DecodedFrame,
  type FrameError,
  type RpcErrorObject,
  type RpcRequest,
  type RpcResponse,
} from '../../../app/protocol/index.ts';

/** What the host answers a request with: a result, or `{ error }`, or `NO_ANSWER`. */
export type HostAnswer = unknown;
export const NO_ANSWER = Symbol('no answer');

export interface FakeHost {
  /** The extension's end of the socket, for connect({ socket }). */
  socket: net.Socket;
  /** The host's end. */
  hostSocket: net.Socket;
  /** Every frame the extension sent, in order. */
  frames: DecodedFrame[];
  /** Frames the host's decoder refused. */
  errors: FrameError[];
  /** How the host answers the extension's requests (default: `{}`). */
  answer: (request: RpcRequest) => HostAnswer;
  /** Resolves with the next frame from the extension that matches. */
  next(match?: (frame: DecodedFrame) => boolean): Promise<DecodedFrame>;
  /** Calls the extension and resolves with its response. */
  call(method: string, params?: unknown): Promise<RpcResponse>;
  notify(method: string, params: object): void;
  /** Raw bytes, for garbage and oversize frames. */
  write(raw: string | Uint8Array): void;
  close(): void;
}

export function error(error: RpcErrorObject): { error: RpcErrorObject } {
  return { error };
}

/** A host on both ends of a fresh unix socket (the extension's end is `socket`). */
export async function fakeHost(): Promise<FakeHost> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-sdk-'));
  const path = join(dir, 'host.sock');
  const server = net.createServer();
  server.listen(path);
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const socket = net.createConnection(path);
  const [hostSocket] = await accepted;
  await once(socket, 'connect');
  server.close();
  rmSync(dir, { recursive: true, force: true });
  return hostOn(hostSocket, socket);
}

/** A host speaking on `hostSocket` (e.g. a child's fd 3); `socket` is the extension's end if local. */
export function hostOn(hostSocket: net.Socket, socket: net.Socket = hostSocket): FakeHost {
  const waiters: { match: (f: DecodedFrame) => boolean; resolve: (f: DecodedFrame) => void }[] = [];
  const unclaimed: DecodedFrame[] = [];
  let hostId = 1000;

  const host: FakeHost = {
    socket,
    hostSocket,
    frames: [],
    errors: [],
    answer: () => ({}),
    next(match = () => true) {
      const i = unclaimed.findIndex(match);
      if (i >= 0) return Promise.resolve(unclaimed.splice(i, 1)[0]!);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    async call(method, params = {}) {
      const id = hostId++;
      host.write(encodeFrame(makeRequest(id, method, params as object)));
      const frame = await host.next((f) => f.kind === 'response' && f.message.id === id);
      return frame.message as RpcResponse;
    },
    notify(method, params) {
      host.write(encodeFrame(makeNotification(method, params)));
    },
    write(raw) {
      hostSocket.write(raw);
    },
    close() {
      hostSocket.destroy();
      socket.destroy();
    },
  };

  const decoder = createFrameDecoder({
    maxFrameBytes: 1 << 24,
    onFrame(frame) {
      host.frames.push(frame);
      if (frame.kind === 'request') {
        const answer = host.answer(frame.message);
        if (answer !== NO_ANSWER) {
          const { id } = frame.message;
          const isError = typeof answer === 'object' && answer !== null && 'error' in answer;
          host.write(
            encodeFrame(
              isError
                ? makeError(id, (answer as { error: RpcErrorObject }).error)
                : makeResult(id, answer),
            ),
          );
        }
      }
      const i = waiters.findIndex((w) => w.match(frame));
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(frame);
      else unclaimed.push(frame);
    },
    onError: (e) => host.errors.push(e),
  });
  hostSocket.on('data', (chunk: Buffer) => decoder.push(chunk));
  hostSocket.on('error', () => undefined); // the extension side may close first
  return host;
}
