// The browser tab's way to the host: `corral serve`'s WebSocket at /ws on the page's own origin
// (the page was authorised by an HttpOnly cookie, which the upgrade carries by itself). Calls
// travel as the contract's client frames, one id each; results and events arrive as host frames,
// checked before use. A lost connection is made again with backoff, and the UI sees its state.
import {
  FRAME_MAX_BYTES,
  fail,
  hostFrameSchema,
  isEventName,
  type ClientFrame,
  type ContractTransport,
  type EventName,
} from '../../../app/contract/index.ts';
import type { ConnectionStatus, HostConnection } from './host-connection.ts';

/** The part of the browser's WebSocket used here, so that tests can pass a fake one. */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketConnectionOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** Waits before the n-th reconnect (n from 0). */
  backoffMs?: (attempt: number) => number;
  /** A frame that could not be used (not JSON, not a host frame, an unknown call id). */
  onProblem?: (problem: string) => void;
}

/** Half a second, doubling up to ten: quick after a blip, quiet while the host is gone. */
const defaultBackoff = (attempt: number) => Math.min(500 * 2 ** attempt, 10_000);

/** The host's WebSocket address for a page served from `location`. */
export function hostSocketUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

const LOST = fail(
  'internal',
  'The connection to the Corral host was lost before it answered; try again once it reconnects.',
);

/** Whether `text` is over the frame cap in UTF-8, counting bytes only when its length cannot tell. */
function overFrameCap(text: string): boolean {
  if (text.length > FRAME_MAX_BYTES) return true;
  if (text.length * 3 <= FRAME_MAX_BYTES) return false;
  return new TextEncoder().encode(text).length > FRAME_MAX_BYTES;
}

/** A connection to `corral serve` over its WebSocket, reconnecting until closed. */
export function webSocketConnection(options: WebSocketConnectionOptions): HostConnection {
  const createSocket =
    options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const backoff = options.backoffMs ?? defaultBackoff;
  const onProblem = options.onProblem ?? (() => {});

  let status: ConnectionStatus = { state: 'connecting', attempts: 0 };
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  const eventListeners = new Map<EventName, Set<(payload: unknown) => void>>();
  /** Calls waiting for their result, by id; `frame` is set until the call is sent. */
  const pending = new Map<number, { resolve: (raw: unknown) => void; frame?: string }>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const receive = (data: unknown) => {
    if (typeof data !== 'string') return onProblem('a binary frame from the host was ignored');
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return onProblem('a frame from the host that is not JSON was ignored');
    }
    const frame = hostFrameSchema.safeParse(json);
    if (!frame.success) return onProblem('a frame from the host that fits no host frame');
    if (frame.data.t === 'event') {
      const name = frame.data.name;
      if (!isEventName(name)) return onProblem(`an unknown event ${name} was ignored`);
      for (const listener of eventListeners.get(name) ?? []) listener(frame.data.payload);
      return;
    }
    const id = frame.data.id;
    const call = id === null ? undefined : pending.get(id);
    if (id === null || !call) {
      const error = frame.data.result.ok ? '' : `: ${frame.data.result.error.message}`;
      return onProblem(`a result for no waiting call (id ${String(id)})${error}`);
    }
    pending.delete(id);
    call.resolve(frame.data.result);
  };

  const connect = () => {
    retry = null;
    const ws = createSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      setStatus({ state: 'open', attempts: 0 });
      for (const call of pending.values()) {
        if (call.frame === undefined) continue;
        ws.send(call.frame);
        delete call.frame;
      }
    };
    ws.onmessage = (event) => receive(event.data);
    // A failed connection reports error and then close; close alone decides what happens next.
    ws.onerror = () => {};
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Nothing sent on this socket can be answered now, and a queued call would wait on a
      // connection that may not come back: each caller hears so and may try again.
      for (const call of pending.values()) call.resolve(LOST);
      pending.clear();
      if (closed) return;
      const attempts = status.state === 'open' ? 0 : status.attempts + 1;
      setStatus({ state: 'reconnecting', attempts });
      retry = setTimeout(connect, backoff(attempts));
    };
  };

  const transport: ContractTransport = {
    call(method, input) {
      const id = nextId++;
      const frame: ClientFrame = { t: 'call', id, method, input };
      const text = JSON.stringify(frame);
      if (overFrameCap(text))
        return Promise.resolve(
          fail(
            'bad-frame',
            `The request ${method} is larger than the host accepts (${FRAME_MAX_BYTES} bytes); choose a smaller package.`,
          ),
        );
      if (closed) return Promise.resolve(LOST);
      return new Promise((resolve) => {
        if (status.state === 'open' && socket) {
          pending.set(id, { resolve });
          socket.send(text);
        } else pending.set(id, { resolve, frame: text });
      });
    },
    subscribe(event, listener) {
      const set = eventListeners.get(event) ?? new Set();
      eventListeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };

  connect();
  return {
    transport,
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      socket?.close();
    },
  };
}
