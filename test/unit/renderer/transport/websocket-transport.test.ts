// The browser tab's WebSocket transport against a fake socket: one id per call and results matched
// by id, events fanned out by name, calls queued until open, a lost connection answered as an
// error and made again with backoff, bad frames reported and dropped, oversize calls refused.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { FRAME_MAX_BYTES, createCorralClient } from '../../../../app/contract/index.ts';
import type { ConnectionStatus } from '../../../../renderer/src/transport/host-connection.ts';
import {
  hostSocketUrl,
  webSocketConnection,
  type SocketLike,
} from '../../../../renderer/src/transport/websocket-transport.ts';

class FakeSocket implements SocketLike {
  sent: string[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    this.onclose?.({});
  }
  open() {
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop() {
    this.onerror?.({});
    this.onclose?.({});
  }
  frames() {
    return this.sent.map(
      (s) => JSON.parse(s) as { t: string; id: number; method: string; input: unknown },
    );
  }
}

let sockets: FakeSocket[];
let problems: string[];
let statuses: ConnectionStatus['state'][];

function connect() {
  const connection = webSocketConnection({
    url: 'ws://127.0.0.1:4321/ws',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    onProblem: (p) => problems.push(p),
  });
  connection.onStatus((s) => statuses.push(s.state));
  return { connection, client: createCorralClient(connection.transport) };
}

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  problems = [];
  statuses = [];
});
afterEach(() => vi.useRealTimers());

test('the socket address is the page origin at /ws, wss under https', () => {
  expect(hostSocketUrl({ protocol: 'http:', host: '127.0.0.1:8123' })).toBe(
    'ws://127.0.0.1:8123/ws',
  );
  expect(hostSocketUrl({ protocol: 'https:', host: 'localhost:8123' })).toBe(
    'wss://localhost:8123/ws',
  );
});

test('calls made before the socket opens wait, then go out as call frames with their own ids', async () => {
  const { client } = connect();
  const a = client.extensions.list({});
  const b = client.settings.get({});
  expect(sockets[0]!.sent).toEqual([]);
  sockets[0]!.open();
  const frames = sockets[0]!.frames();
  expect(frames.map((f) => [f.t, f.method])).toEqual([
    ['call', 'extensions.list'],
    ['call', 'settings.get'],
  ]);
  expect(new Set(frames.map((f) => f.id)).size).toBe(2);
  // Answered out of order: each result finds its own call by id.
  sockets[0]!.receive({
    t: 'result',
    id: frames[1]!.id,
    result: {
      ok: true,
      value: {
        requireSignatures: true,
        promptTimeoutSeconds: 30,
        auditRetentionDays: 7,
        keepRunningInBackground: false,
      },
    },
  });
  sockets[0]!.receive({ t: 'result', id: frames[0]!.id, result: { ok: true, value: [] } });
  expect(await a).toEqual({ ok: true, value: [] });
  expect(await b).toMatchObject({ ok: true, value: { promptTimeoutSeconds: 30 } });
});

test('events reach the subscribers of that event only, until they unsubscribe', () => {
  const { client } = connect();
  sockets[0]!.open();
  const alerts: unknown[] = [];
  const off = client.onAlert((a) => alerts.push(a));
  const closed: unknown[] = [];
  client.onPromptClosed((c) => closed.push(c));
  const alert = {
    seq: 3,
    ts: '2026-12-01T10:00:00Z',
    ext: 'acme.x',
    rule: 'denial-burst',
    message: 'm',
  };
  sockets[0]!.receive({ t: 'event', name: 'onAlert', payload: alert });
  off();
  sockets[0]!.receive({ t: 'event', name: 'onAlert', payload: alert });
  expect(alerts).toEqual([alert]);
  expect(closed).toEqual([]);
});

test('a lost connection answers waiting calls with an error, shows reconnecting, and connects again', async () => {
  const { client, connection } = connect();
  sockets[0]!.open();
  const waiting = client.extensions.list({});
  sockets[0]!.drop();
  const result = await waiting;
  expect(result.ok).toBe(false);
  expect(!result.ok && result.error.message).toMatch(/connection to the Corral host was lost/);
  expect(connection.status()).toEqual({ state: 'reconnecting', attempts: 0 });
  expect(sockets).toHaveLength(1);
  await vi.advanceTimersByTimeAsync(500);
  expect(sockets).toHaveLength(2);
  // A refused attempt counts, and the next one waits longer.
  sockets[1]!.drop();
  expect(connection.status()).toEqual({ state: 'reconnecting', attempts: 1 });
  await vi.advanceTimersByTimeAsync(999);
  expect(sockets).toHaveLength(2);
  await vi.advanceTimersByTimeAsync(1);
  expect(sockets).toHaveLength(3);
  sockets[2]!.open();
  expect(statuses).toEqual(['open', 'reconnecting', 'reconnecting', 'open']);
  const again = client.commands.list({});
  const frame = sockets[2]!.frames()[0]!;
  sockets[2]!.receive({ t: 'result', id: frame.id, result: { ok: true, value: [] } });
  expect(await again).toEqual({ ok: true, value: [] });
});

test('frames that are not JSON, not host frames, events of no name and results for no call are reported and dropped', () => {
  const { client } = connect();
  sockets[0]!.open();
  const alerts: unknown[] = [];
  client.onAlert((a) => alerts.push(a));
  sockets[0]!.receive('{not json');
  sockets[0]!.receive({ t: 'surprise' });
  sockets[0]!.receive({ t: 'event', name: 'onNothing', payload: {} });
  sockets[0]!.receive({ t: 'result', id: 999, result: { ok: true, value: 1 } });
  sockets[0]!.receive({
    t: 'result',
    id: null,
    result: { ok: false, error: { code: 'bad-frame', message: 'frame over the cap' } },
  });
  expect(problems).toHaveLength(5);
  expect(problems[4]).toMatch(/frame over the cap/);
  expect(alerts).toEqual([]);
});

test('a call larger than the host accepts is refused here, and nothing is sent', async () => {
  const { client } = connect();
  sockets[0]!.open();
  const base64 = 'A'.repeat(FRAME_MAX_BYTES);
  const result = await client.extensions.stage({
    source: { kind: 'upload', name: 'big.tgz', base64 },
  });
  expect(result.ok).toBe(false);
  expect(!result.ok && result.error.code).toBe('bad-frame');
  expect(sockets[0]!.sent).toEqual([]);
  // Building and measuring a 96 MB frame takes seconds on a busy machine.
}, 30_000);

test('closing the connection stops reconnecting', async () => {
  const { connection } = connect();
  sockets[0]!.open();
  connection.close();
  await vi.advanceTimersByTimeAsync(20_000);
  expect(sockets).toHaveLength(1);
  expect(sockets[0]!.closed).toBe(true);
});
