// What the network proxy costs a sandboxed tool: CONNECT set-up and TLS set-up latency, and bulk
// TLS throughput through a tunnel, each against a direct connection to the same local TLS server
// (127.0.0.1, a throw-away certificate). The proxy listens on a unix socket, as in production.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { startProxy } from '../../app/net/proxy.ts';
import { connectTunnel, deciderFor, fakeLookup, makeCert } from '../unit/net/support.ts';
import { median, type BenchRow, type BenchTable } from './table.ts';

const SETUP_RUNS = 200;
const THROUGHPUT_RUNS = 5;
const PAYLOAD = 64 * 1024 * 1024;
const NAME = 'api.github.test';

/** Runs `once` `runs` times in a row; the median of what it returns. */
async function medianOf(runs: number, once: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await once());
  return median(values);
}

/** The median time `open` takes to give a connection (closed after each run), in ms. */
function timed(open: () => Promise<{ destroy(): void }>): Promise<number> {
  return medianOf(SETUP_RUNS, async () => {
    const t0 = performance.now();
    const connection = await open();
    const ms = performance.now() - t0;
    connection.destroy();
    return ms;
  });
}

function until(emitter: net.Socket | tls.TLSSocket, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    emitter.once(event, () => resolve());
    emitter.once('error', reject);
  });
}

/** CONNECT set-up, TLS set-up and tunnelled throughput, proxied against direct. */
export async function benchProxy(): Promise<BenchTable> {
  const cert = makeCert();
  const payload = Buffer.alloc(1 << 20, 0x61);
  // First line from the client says how many bytes to send back: "bulk\n" or "hello\n".
  const server = tls.createServer(cert, (s) => {
    s.on('error', () => {});
    s.once('data', (d: Buffer) => {
      if (!d.toString().startsWith('bulk')) return void s.end('ok');
      let left = PAYLOAD;
      const pump = () => {
        while (left > 0) {
          left -= payload.length;
          if (!s.write(payload)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    });
  });
  const tcp = net.createServer((s) => s.on('error', () => {}).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const tcpPort = (tcp.address() as net.AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'corral-bench-'));
  let audited = 0;
  const proxy = await startProxy({
    listen: { path: join(dir, 'proxy.sock') },
    decider: deciderFor([{ host: NAME, ports: [port, tcpPort] }]),
    ext: 'acme.bench',
    onAudit: () => void audited++,
    grantsAllowLocal: [NAME],
    lookup: fakeLookup({ [NAME]: ['127.0.0.1'] }),
    limits: { maxConnections: 256 },
  });
  const at = proxy.address;

  try {
    const handshake = async (socket?: net.Socket) => {
      const c = tls.connect(
        socket
          ? { socket, servername: NAME, ca: cert.cert }
          : { host: '127.0.0.1', port, servername: NAME, ca: cert.cert },
      );
      await until(c, 'secureConnect');
      return c;
    };
    const tunnel = async (target: number) => {
      const t = await connectTunnel(at, `${NAME}:${target}`);
      if (t.status !== 200) throw new Error(`CONNECT answered ${t.status}`);
      return t.socket;
    };
    const tcpDirect = await timed(async () => {
      const s = net.connect(tcpPort, '127.0.0.1');
      await until(s, 'connect');
      return s;
    });
    const connectProxied = await timed(() => tunnel(tcpPort));
    const tlsDirect = await timed(() => handshake());
    const tlsProxied = await timed(async () => handshake(await tunnel(port)));

    const bulk = async (proxied: boolean) => {
      const c = proxied ? await handshake(await tunnel(port)) : await handshake();
      let received = 0;
      const t0 = performance.now();
      const done = new Promise<void>((resolve) => {
        c.on('data', (d: Buffer) => (received += d.length));
        c.on('end', () => resolve());
      });
      c.write('bulk\n');
      await done;
      const seconds = (performance.now() - t0) / 1000;
      c.destroy();
      if (received < PAYLOAD) throw new Error(`only ${received} of ${PAYLOAD} bytes arrived`);
      return received / (1024 * 1024) / seconds;
    };
    const bulkDirect = await medianOf(THROUGHPUT_RUNS, () => bulk(false));
    const bulkProxied = await medianOf(THROUGHPUT_RUNS, () => bulk(true));

    // Each measurement as a pair of rows: direct, then proxied with its ratio to direct.
    const pair = (
      what: [direct: string, proxied: string],
      unit: string,
      values: [direct: number, proxied: number],
      target: string,
    ): BenchRow[] => [
      { name: what[0], median: values[0], unit },
      {
        name: what[1],
        median: values[1],
        unit,
        target,
        ratio: `${(values[1] / values[0]).toFixed(2)}× direct`,
      },
    ];
    const mib = `${PAYLOAD >> 20} MiB`;
    const rows = [
      ...pair(
        ['TCP connect, direct', 'CONNECT → 200 through the proxy (vet + connect)'],
        'ms',
        [tcpDirect, connectProxied],
        '≤ 1 ms',
      ),
      ...pair(
        ['TLS set-up, direct', 'TLS set-up through CONNECT (SNI checked)'],
        'ms',
        [tlsDirect, tlsProxied],
        '≤ 2× direct',
      ),
      ...pair(
        [`TLS download ${mib}, direct`, `TLS download ${mib} through the tunnel`],
        'MiB/s',
        [bulkDirect, bulkProxied],
        '≥ 0.5× direct',
      ),
    ];
    if (audited < 2 * SETUP_RUNS) throw new Error(`only ${audited} connections were audited`);
    return { title: 'Network proxy (unix socket, loopback TLS server)', rows };
  } finally {
    await proxy.close();
    server.close();
    tcp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
