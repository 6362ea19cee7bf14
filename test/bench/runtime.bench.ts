// The extension runtime's costs, measured side by side in one run: brokered round trips and
// throughput, launch-to-ready against a bare `node ext.js`, host memory per running extension, and
// 50 extensions at once. Reading files through the broker is file-read.bench.ts.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { build } from 'esbuild';
import { openJsonlSink } from '../../app/audit/jsonl-sink.ts';
import type { ExtensionRunner } from '../../app/runtime/extension-runner.ts';
import { loadExtension, type LoadedExtension } from '../../app/runtime/extension-package.ts';
import { IpcBus } from '../../app/runtime/ipc-bus.ts';
import { createServices } from '../../app/service/services.ts';
import { wireRunner } from '../../app/service/extension-runners.ts';
import { denyAllPrompts } from '../../app/runtime/prompts.ts';
import { RpcPeer } from '../../app/runtime/rpc-peer.ts';
import type { ProtocolVersion } from '../../app/protocol/methods.ts';
import { median, type BenchTable } from './table.ts';

const fixture = new URL('./fixtures/bench-ext', import.meta.url).pathname;

export interface Setup {
  root: string;
  ext: LoadedExtension;
  workspace: string;
  audit: ReturnType<typeof openJsonlSink>;
  ipc: IpcBus;
}

/** The benchmark extension built into a fresh folder, with a workspace it may read. */
export async function setUp(): Promise<Setup> {
  const root = mkdtempSync(join(tmpdir(), 'corral-bench-rt-'));
  const dir = join(root, 'ext');
  cpSync(join(fixture, 'corral.json'), join(dir, 'corral.json'));
  await build({
    entryPoints: [join(fixture, 'src/index.ts')],
    outfile: join(dir, 'dist/index.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  return {
    root,
    ext: await loadExtension(dir, '/'),
    workspace,
    audit: openJsonlSink(join(root, 'audit.jsonl')),
    ipc: new IpcBus(),
  };
}

const benchServices = createServices({ env: { HOME: '/nonexistent' } });

/** A runner of the benchmark extension (run `n`), offered protocol versions up to `max`. */
export function host(s: Setup, n = 0, max?: ProtocolVersion): ExtensionRunner {
  return wireRunner(benchServices, {
    extension: s.ext,
    workspace: s.workspace,
    dataDir: join(s.root, 'data', String(n)),
    tmpDir: join(s.root, 'tmp', String(n)),
    vars: {
      home: '/nonexistent',
      documents: '/nonexistent/Documents',
      downloads: '/nonexistent/Downloads',
    },
    audit: (e) => s.audit.record(e),
    prompts: denyAllPrompts,
    ipc: s.ipc,
    // The benchmark measures the broker, not the flood guard: lift the rate limit above what it sends.
    rate: { perSecond: 1_000_000, burst: 100_000 },
    ...(max ? { protocolVersionMax: max } : {}),
  }).runner;
}

/** Spawns the same extension without any sandbox and completes the initialize handshake. */
async function bareLaunchMs(s: Setup): Promise<number> {
  const t = performance.now();
  const child = spawn(process.execPath, [s.ext.main], {
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    env: { CORRAL_FD: '3' },
  });
  const peer = new RpcPeer({
    stream: child.stdio[3] as Duplex,
    maxFrameBytes: 1 << 24,
    maxInFlight: 64,
    maxUnreadBytes: 1 << 24,
    onRequest: async () => ({}),
    onNotification: () => {},
    onFrameError: () => {},
    onDropped: () => {},
    onClose: () => {},
  });
  await peer.call(
    'initialize',
    {
      protocolVersion: 1,
      extension: { id: 'corral.bench', version: '1.0.0' },
      workspace: s.workspace,
    },
    10_000,
  );
  const ms = performance.now() - t;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

async function sandboxedLaunchMs(s: Setup): Promise<number> {
  const h = host(s);
  const t = performance.now();
  await h.start();
  const ms = performance.now() - t;
  await h.stop();
  return ms;
}

export async function benchRuntime(): Promise<BenchTable> {
  const s = await setUp();
  const bare: number[] = [];
  const boxed: number[] = [];
  for (let i = 0; i < 7; i++) {
    bare.push(await bareLaunchMs(s));
    boxed.push(await sandboxedLaunchMs(s));
  }

  const h = host(s);
  await h.start();
  await h.execute('bench.roundtrip', [500]); // warm both ends' JIT
  const rt = (await h.execute('bench.roundtrip', [5000])) as { p50Us: number; p99Us: number };
  const tp = (await h.execute('bench.throughput', [50_000, 64])) as { callsPerSecond: number };
  await h.stop();

  // Host memory per running extension: the host's own growth (JS heap, buffers, RSS) with 20
  // running, per extension; the extensions' own processes are not counted.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed + m.external, rss: m.rss };
  };
  const before = used();
  const many = Array.from({ length: 20 }, (_, i) => host(s, i + 1));
  await Promise.all(many.map((x) => x.start()));
  await Promise.all(many.map((x) => x.execute('bench.roundtrip', [100])));
  const after = used();
  const perExtensionMB =
    Math.max(after.heap - before.heap, after.rss - before.rss) / 20 / (1024 * 1024);
  await Promise.all(many.map((x) => x.stop()));

  const fifty = Array.from({ length: 50 }, (_, i) => host(s, 100 + i));
  const t50 = performance.now();
  await Promise.all(fifty.map((x) => x.start()));
  await Promise.all(fifty.map((x) => x.execute('bench.roundtrip', [10])));
  const fiftyMs = performance.now() - t50;
  await Promise.all(fifty.map((x) => x.stop()));
  s.audit.close();

  const launch = median(boxed);
  const bareLaunch = median(bare);
  return {
    title: 'Extension runtime (one extension unless said; medians)',
    rows: [
      {
        name: 'brokered round trip p50 (ipc/publish, audited)',
        median: rt.p50Us,
        unit: 'µs',
        target: '<= 100 µs',
      },
      { name: 'brokered round trip p99', median: rt.p99Us, unit: 'µs' },
      {
        name: 'calls per second, 64 in flight',
        median: Math.round(tp.callsPerSecond),
        unit: 'calls/s',
        target: '>= 20,000/s',
        ratio: `${(tp.callsPerSecond / 20_000).toFixed(2)}x target`,
      },
      { name: 'launch to ready, bare node ext.js', median: bareLaunch, unit: 'ms' },
      {
        name: 'launch to ready, sandboxed',
        median: launch,
        unit: 'ms',
        target: '<= 1.3x bare',
        ratio: `${(launch / bareLaunch).toFixed(2)}x bare`,
      },
      {
        name: 'host memory per running extension (20 running)',
        median: perExtensionMB,
        unit: 'MB',
        target: '<= 5 MB',
      },
      { name: '50 extensions: start all, one command each', median: fiftyMs, unit: 'ms' },
    ],
  };
}
