// Decisions per second for a 50-grant policy (20 fs, 20 net, 10 ipc): host, ipc and path
// decisions against their targets, plus manifest parsing and compiling for scale.
import { compilePolicy } from '../../app/policy/compile.ts';
import { compileDecider, type PolicyRequest } from '../../app/policy/decide.ts';
import { parsePolicyDocument } from '../../app/policy/manifest.ts';
import type { Permissions } from '../../app/policy/manifest.ts';
import { median, type BenchRow, type BenchTable } from './table.ts';

const VARS = {
  workspace: '/home/u/src/project',
  home: '/home/u',
  documents: '/home/u/Documents',
  downloads: '/home/u/Downloads',
  extensionData: '/home/u/.local/share/corral/acme.bench',
  tmp: '/tmp/corral-acme.bench',
};

/** 50 grants, shaped like a busy real extension's. */
function fiftyGrants(): Permissions {
  return {
    fs: Array.from({ length: 20 }, (_, i) => ({
      path: i % 2 ? `\${workspace}/pkg${i}/src` : `\${documents}/area${i}/reports`,
      access: i % 3 ? ('read' as const) : ('write' as const),
    })),
    net: Array.from({ length: 20 }, (_, i) =>
      i % 4 === 0
        ? { host: `*.cdn${i}.example.com` }
        : { host: `api${i}.service${i}.example.org`, ports: [443, 8443] },
    ),
    ipc: Array.from({ length: 10 }, (_, i) => ({
      channel: `ext${i}.events`,
      access: (['publish', 'subscribe', 'both'] as const)[i % 3]!,
    })),
  };
}

/** Requests that hit and miss in equal measure, cycled through so nothing is constant-folded. */
function requests(): Record<'net' | 'ipc' | 'fs', PolicyRequest[]> {
  const net: PolicyRequest[] = [];
  const ipc: PolicyRequest[] = [];
  const fs: PolicyRequest[] = [];
  for (let i = 0; i < 64; i++) {
    const n = i % 20;
    net.push(
      i % 2
        ? { kind: 'net', host: `img.eu.cdn${n - (n % 4)}.example.com`, port: 443 }
        : { kind: 'net', host: `api${n}.service${n}.evil.org`, port: 443 },
    );
    ipc.push({
      kind: 'ipc',
      channel: `ext${i % 12}.events`,
      direction: i % 2 ? 'publish' : 'subscribe',
    });
    fs.push({
      kind: 'fs',
      op: i % 3 ? 'read' : 'write',
      path:
        i % 2 ? `/home/u/src/project/pkg${n}/src/lib/deep/module${i}.ts` : `/home/u/.ssh/key${i}`,
    });
  }
  return { net, ipc, fs };
}

/** Decisions per second: the median of `runs` timed batches. */
function rate(
  decide: (r: PolicyRequest) => unknown,
  reqs: PolicyRequest[],
  runs = 7,
  batch = 400_000,
): number {
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink ^= decide(reqs[i & 63]!) ? 1 : 0; // warm-up
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink ^= decide(reqs[i & 63]!) ? 1 : 0;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(batch / seconds);
  }
  if (sink === 42) process.stdout.write(''); // keep the loop's result alive
  return median(rates);
}

function row(name: string, perSecond: number, target?: number): BenchRow {
  const r: BenchRow = { name, median: Math.round(perSecond), unit: 'decisions/s' };
  if (target) {
    r.target = `≥ ${target.toLocaleString('en-US')}`;
    r.ratio = `${(perSecond / target).toFixed(2)}×`;
  }
  return r;
}

/** The policy benchmark table for `npm run bench`. */
export async function benchPolicy(): Promise<BenchTable> {
  const permissions = fiftyGrants();
  const compiled = compilePolicy(permissions, {}, VARS);
  if (!compiled.ok)
    throw new Error(`bench policy does not compile: ${JSON.stringify(compiled.errors)}`);
  const decide = compileDecider(compiled.policy);
  const reqs = requests();
  const manifest = JSON.stringify({
    manifestVersion: 1,
    id: 'acme.bench',
    name: 'Bench',
    version: '1.0.0',
    publisher: 'acme',
    runtime: 'node',
    main: 'index.js',
    permissions,
  });
  const parses: number[] = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) {
      const doc = parsePolicyDocument(manifest, 'corral.json');
      if (!doc.ok || !compilePolicy(doc.policy.permissions, doc.policy.limits, VARS).ok)
        throw new Error('bench manifest refused');
    }
    parses.push(200 / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return {
    title: 'Policy decisions, 50-grant policy (median of 7 runs)',
    rows: [
      row('host (net) decision', rate(decide, reqs.net), 1_000_000),
      row('ipc decision', rate(decide, reqs.ipc), 1_000_000),
      row('path (fs) decision', rate(decide, reqs.fs), 200_000),
      {
        name: 'parse + compile the manifest',
        median: Math.round(median(parses)),
        unit: 'manifests/s',
      },
    ],
  };
}
