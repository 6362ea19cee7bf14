// The soak: 20 extensions doing mixed brokered work (files, net/fetch to a loopback server, ipc to
// each other), floods past their rate limit and crashes, for a bounded time, through the host's
// one composition root (createServices, wireRunner) and its real audit store. It samples the host's
// memory and descriptors and checks, at the end, that they stayed flat, that no audit event was
// lost (every event recorded is in the store, the hash chain verifies, seq has no gap) and that
// every refusal an extension met is in the audit log as a limit event.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import type { AuditStore } from '../../app/audit/store.ts';
import type { AuditEventInput } from '../../app/audit-event/event.ts';
import { MAX_PAGE } from '../../app/audit-event/filter.ts';
import { loadExtension } from '../../app/runtime/extension-package.ts';
import type { ExtensionRunner, ExtensionState } from '../../app/runtime/extension-runner.ts';
import { IpcBus } from '../../app/runtime/ipc-bus.ts';
import { denyAllPrompts } from '../../app/runtime/prompts.ts';
import { wireRunner, type WiredRunner } from '../../app/service/extension-runners.ts';
import { createServices, type Services } from '../../app/service/services.ts';
import { median } from '../bench/table.ts';

export interface SoakOptions {
  durationMs: number;
  extensions?: number;
  /** Between two samples of the host's memory and descriptors. */
  sampleMs?: number;
  /** Between two rounds of one extension (default 250 ms). */
  paceMs?: number;
  /** Progress lines (stderr in `npm run soak`). */
  progress?: (line: string) => void;
}

export interface SoakSample {
  atS: number;
  rssMiB: number;
  heapMiB: number;
  fds: number;
}

export interface SoakReport {
  extensions: number;
  durationS: number;
  samples: SoakSample[];
  /** Median RSS of the first and the last third of the samples after warm-up, and the rule. */
  rss: { firstMiB: number; lastMiB: number; growth: number; flat: boolean };
  /** Growth per minute after warm-up (least squares): the trend the thirds may hide. */
  slopes: { rssMiBPerMin: number; heapMiBPerMin: number };
  /** Medians of the first and last third (in-flight connections and restarts make the max noisy). */
  fds: { baseline: number; first: number; last: number; atEnd: number; flat: boolean };
  rounds: { work: number; floods: number; crashes: number; failed: string[] };
  audit: {
    recorded: number;
    stored: number;
    chain: string;
    seqContinuous: boolean;
    crashEvents: number;
    restarts: number;
  };
  limits: { refusedSeen: number; refusedAudited: number };
  /** Every check, with its verdict: the soak passes when all are true. */
  checks: Record<string, boolean>;
}

/** The part of the samples taken before the host settles (first runs, JIT, SQLite's cache). */
const WARM_UP = 0.2;
/** RSS is flat when the last third's median is at most this much above the first third's. */
const RSS_GROWTH_MAX = 0.15;
/** Descriptors are flat when the last third's median is at most this many above the first's. */
const FDS_SLACK = 8;
/** Every extension crashes once per this many rounds, floods once per FLOOD_EVERY. */
const CRASH_EVERY = 40;
const FLOOD_EVERY = 10;
/** Calls per flood, against a budget of RATE per second with a burst of BURST: most are refused. */
const FLOOD_CALLS = 150;
const RATE = { perSecond: 100, burst: 40 };
/** A round per extension every PACE_MS at most (about 100 brokered calls a second for 20). */
const PACE_MS = 250;

const fixture = new URL('./fixtures/soak-ext', import.meta.url).pathname;

/** Runs the soak for `o.durationMs` and returns its figures and checks. */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const count = o.extensions ?? 20;
  const sampleMs = o.sampleMs ?? 1000;
  const say = o.progress ?? (() => {});
  const gc = exposeGc();
  const root = mkdtempSync(join(tmpdir(), 'corral-soak-'));
  const server = await loopbackServer();
  const port = (server.address() as { port: number }).port;
  const env = { HOME: join(root, 'home'), XDG_STATE_HOME: join(root, 'state') };
  const services = createServices({ env });
  const store = services.auditStore();
  let recorded = 0;
  const audit = (event: AuditEventInput) => {
    recorded++;
    services.audit(event);
  };

  const bundle = join(root, 'soak-ext.cjs');
  await build({
    entryPoints: [join(fixture, 'src/index.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  gc();
  const baselineFds = fdCount();
  const ipc = new IpcBus();
  const hosts: Host[] = [];
  for (let i = 0; i < count; i++)
    hosts.push(await extension(root, i, port, bundle, services, ipc, audit));
  await Promise.all(hosts.map((h) => h.runner.start()));
  say(`soak: ${count} extensions ready; running for ${Math.round(o.durationMs / 1000)} s`);

  const started = Date.now();
  const end = started + o.durationMs;
  const samples: SoakSample[] = [];
  const sampler = setInterval(() => {
    gc();
    const m = process.memoryUsage();
    const sample = {
      atS: Math.round((Date.now() - started) / 1000),
      rssMiB: m.rss / 2 ** 20,
      heapMiB: m.heapUsed / 2 ** 20,
      fds: fdCount(),
    };
    samples.push(sample);
    if (samples.length % 30 === 0)
      say(`soak: ${sample.atS} s, RSS ${sample.rssMiB.toFixed(1)} MiB, ${sample.fds} descriptors`);
  }, sampleMs);
  const tally = { work: 0, floods: 0, crashes: 0, refused: 0, failed: [] as string[] };
  const pace = o.paceMs ?? PACE_MS;
  await Promise.all(hosts.map((h) => drive(h, end, `http://localhost:${port}/`, pace, tally)));
  clearInterval(sampler);

  await Promise.all(hosts.map((h) => h.wired.dispose()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  store.flush();
  gc();
  const atEndFds = fdCount();
  const report = judge({
    count,
    durationS: (Date.now() - started) / 1000,
    samples,
    baselineFds,
    atEndFds,
    tally,
    recorded,
    store,
    restarts: hosts.reduce((n, h) => n + h.restarts, 0),
  });
  closeServices(services);
  rmSync(root, { recursive: true, force: true });
  return report;
}

interface Host {
  id: string;
  wired: WiredRunner;
  runner: ExtensionRunner;
  /** Resolves when the extension is next `ready` (after a crash, its restart). */
  ready(): Promise<void>;
  restarts: number;
}

async function extension(
  root: string,
  i: number,
  port: number,
  bundle: string,
  services: Services,
  ipc: IpcBus,
  audit: (event: AuditEventInput) => void,
): Promise<Host> {
  const id = `corral.soak-${i}`;
  const dir = join(root, 'ext', String(i));
  const workspace = join(root, 'ws', String(i));
  mkdirSync(join(dir, 'dist'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  cpSync(bundle, join(dir, 'dist', 'index.cjs'));
  writeFileSync(
    join(dir, 'corral.json'),
    JSON.stringify({
      manifestVersion: 1,
      id,
      name: `Soak ${i}`,
      version: '1.0.0',
      publisher: 'corral',
      runtime: 'node',
      main: 'dist/index.cjs',
      permissions: {
        fs: [{ path: '${workspace}', access: 'write' }],
        net: [{ host: 'localhost', ports: [port] }],
        ipc: [{ channel: 'soak.chat', access: 'both' }],
      },
      contributes: {
        commands: ['soak.work', 'soak.flood', 'soak.crash'].map((c) => ({ id: c, title: c })),
      },
    }),
  );
  const waiting = new Set<() => void>();
  const host: Host = {
    id,
    restarts: 0,
    ready: () => new Promise<void>((resolve) => waiting.add(resolve)),
    wired: null as never,
    runner: null as never,
  };
  let crashed = false;
  const onState = (state: ExtensionState) => {
    if (state === 'crashed') crashed = true;
    if (state !== 'ready') return;
    if (crashed) host.restarts++;
    crashed = false;
    for (const resolve of waiting) resolve();
    waiting.clear();
  };
  host.wired = wireRunner(services, {
    extension: await loadExtension(dir, workspace),
    workspace,
    dataDir: join(root, 'data', String(i)),
    prompts: denyAllPrompts,
    ipc,
    audit,
    rate: RATE,
    // Crashes are the soak's own doing: restart each at once, never give up.
    restart: {
      maxCrashes: Number.MAX_SAFE_INTEGER,
      windowMs: 60_000,
      baseDelayMs: 50,
      maxDelayMs: 50,
    },
    onState,
  });
  host.runner = host.wired.runner;
  return host;
}

/** One extension's rounds until `end`: work, a flood every FLOOD_EVERY, a crash every CRASH_EVERY. */
async function drive(
  h: Host,
  end: number,
  url: string,
  paceMs: number,
  tally: { work: number; floods: number; crashes: number; refused: number; failed: string[] },
): Promise<void> {
  // Extensions start their rounds at different points, so crashes and floods do not line up.
  let round = Number(h.id.split('-')[1]) * 3;
  while (Date.now() < end) {
    round++;
    try {
      if (round % CRASH_EVERY === 0) {
        const back = h.ready();
        await h.runner.execute('soak.crash', []).catch(() => {}); // it goes away mid-call
        await back;
        tally.crashes++;
      } else if (round % FLOOD_EVERY === 0) {
        const r = (await h.runner.execute('soak.flood', [FLOOD_CALLS])) as { refused: number };
        tally.refused += r.refused;
        tally.floods++;
      } else {
        const r = (await h.runner.execute('soak.work', [round, url])) as { refused: number };
        tally.refused += r.refused;
        tally.work++;
      }
    } catch (e) {
      if (tally.failed.length < 20)
        tally.failed.push(`${h.id} round ${round}: ${e instanceof Error ? e.message : String(e)}`);
    }
    await new Promise((r) => setTimeout(r, paceMs));
  }
}

function judge(r: {
  count: number;
  durationS: number;
  samples: SoakSample[];
  baselineFds: number;
  atEndFds: number;
  tally: { work: number; floods: number; crashes: number; refused: number; failed: string[] };
  recorded: number;
  store: AuditStore;
  restarts: number;
}): SoakReport {
  const settled = r.samples.slice(Math.floor(r.samples.length * WARM_UP));
  const third = Math.max(1, Math.floor(settled.length / 3));
  const first = settled.slice(0, third);
  const last = settled.slice(-third);
  const firstMiB = median(first.map((s) => s.rssMiB));
  const lastMiB = median(last.map((s) => s.rssMiB));
  const growth = lastMiB / firstMiB - 1;
  const firstFds = median(first.map((s) => s.fds));
  const lastFds = median(last.map((s) => s.fds));

  const events = allEvents(r.store);
  let seqContinuous = events.length > 0;
  for (let i = 1; i < events.length; i++)
    if (events[i]!.seq !== events[i - 1]!.seq + 1) seqContinuous = false;
  const verify = r.store.verify();
  const limitEvents = events.filter((e) => e.kind === 'limit' && e.layer === 'broker');
  const refusedAudited = limitEvents.reduce((n, e) => n + refusals(e.reason), 0);
  const crashEvents = events.filter((e) => e.kind === 'lifecycle' && e.op === 'crash').length;

  const report: SoakReport = {
    extensions: r.count,
    durationS: r.durationS,
    samples: r.samples,
    rss: { firstMiB, lastMiB, growth, flat: growth <= RSS_GROWTH_MAX },
    slopes: {
      rssMiBPerMin: slope(settled.map((s) => [s.atS / 60, s.rssMiB])),
      heapMiBPerMin: slope(settled.map((s) => [s.atS / 60, s.heapMiB])),
    },
    fds: {
      baseline: r.baselineFds,
      first: firstFds,
      last: lastFds,
      atEnd: r.atEndFds,
      flat: lastFds <= firstFds + FDS_SLACK && r.atEndFds <= r.baselineFds,
    },
    rounds: {
      work: r.tally.work,
      floods: r.tally.floods,
      crashes: r.tally.crashes,
      failed: r.tally.failed,
    },
    audit: {
      recorded: r.recorded,
      stored: events.length,
      chain: verify.ok
        ? `verifies (${verify.events} events)`
        : `broken at seq ${verify.brokenSeq}: ${verify.reason}`,
      seqContinuous,
      crashEvents,
      restarts: r.restarts,
    },
    limits: { refusedSeen: r.tally.refused, refusedAudited },
    checks: {},
  };
  report.checks = {
    'RSS flat': report.rss.flat,
    'descriptors flat and back to baseline': report.fds.flat,
    'every round answered': r.tally.failed.length === 0 && r.tally.work > 0,
    'floods refused': r.tally.floods > 0 && r.tally.refused > 0,
    'every crash restarted and audited':
      r.tally.crashes > 0 && crashEvents === r.tally.crashes && r.restarts === r.tally.crashes,
    'no audit event lost': r.recorded === events.length,
    'audit chain verifies': verify.ok,
    'audit seq continuous': seqContinuous,
    'every refusal audited': refusedAudited === r.tally.refused,
  };
  return report;
}

/** The least-squares slope of y over x (0 with fewer than two points). */
function slope(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** How many refused calls a broker limit event stands for: 1, or N+… for "N more × rate limit…". */
function refusals(reason: string): number {
  if (!reason.includes('rate limit: calls refused')) return 0;
  const more = /^(\d+) more × /.exec(reason);
  return more ? Number(more[1]) : 1;
}

function allEvents(
  store: AuditStore,
): { seq: number; kind: string; layer: string; op: string; reason: string }[] {
  const out: { seq: number; kind: string; layer: string; op: string; reason: string }[] = [];
  let afterSeq = -1;
  for (;;) {
    const page = store.query({ afterSeq, order: 'asc', limit: MAX_PAGE });
    out.push(...page);
    if (page.length < MAX_PAGE) return out;
    afterSeq = page[page.length - 1]!.seq;
  }
}

function closeServices(services: Services): void {
  for (const error of services.close()) throw new Error(error);
}

/** A loopback HTTP server answering every request with a small body. */
async function loopbackServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('soak ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** `gc()` even without --expose-gc, so every sample sees the heap after a full collection. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : ''}${n.toFixed(2)}`;
}

/** The soak as the tables `npm run soak` prints: samples over time, events, limits, checks. */
export function formatSoak(r: SoakReport, rows = 12): string {
  const step = Math.max(1, Math.ceil(r.samples.length / rows));
  const picked = r.samples.filter((_, i) => i % step === 0 || i === r.samples.length - 1);
  const lines = [
    `\nSoak: ${r.extensions} extensions, ${r.durationS.toFixed(0)} s`,
    'time s  RSS MiB  heap MiB  descriptors',
    '------  -------  --------  -----------',
    ...picked.map(
      (s) =>
        `${String(s.atS).padStart(6)}  ${s.rssMiB.toFixed(1).padStart(7)}  ${s.heapMiB.toFixed(1).padStart(8)}  ${String(s.fds).padStart(11)}`,
    ),
    '',
    `RSS after warm-up: first third ${r.rss.firstMiB.toFixed(1)} MiB, last third ${r.rss.lastMiB.toFixed(1)} MiB (${(r.rss.growth * 100).toFixed(1)}%, flat at <= ${RSS_GROWTH_MAX * 100}%)`,
    `trend after warm-up: RSS ${signed(r.slopes.rssMiBPerMin)} MiB/min, heap ${signed(r.slopes.heapMiBPerMin)} MiB/min`,
    `descriptors: ${r.fds.baseline} before the extensions started, median ${r.fds.first} in the first third, ${r.fds.last} in the last (flat at <= +${FDS_SLACK}), ${r.fds.atEnd} after they stopped`,
    `rounds: ${r.rounds.work} work, ${r.rounds.floods} floods, ${r.rounds.crashes} crashes (${r.audit.restarts} restarts, ${r.audit.crashEvents} crash events)`,
    `audit: ${r.audit.recorded} recorded, ${r.audit.stored} stored, chain ${r.audit.chain}, seq ${r.audit.seqContinuous ? 'continuous' : 'has gaps'}`,
    `limits: ${r.limits.refusedSeen} calls refused as the extensions saw it, ${r.limits.refusedAudited} in the audit log`,
    ...r.rounds.failed.map((f) => `failed: ${f}`),
    '',
    'check                                  verdict',
    '-------------------------------------  -------',
    ...Object.entries(r.checks).map(([name, ok]) => `${name.padEnd(37)}  ${ok ? 'ok' : 'FAILED'}`),
  ];
  return lines.join('\n') + '\n';
}
