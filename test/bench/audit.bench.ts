// The audit store: sustained ingest (record → committed, chained and indexed) and how fast the UI
// gets its first page out of 1,000,000 stored events, plus verify and export for scale.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEventInput } from '../../app/audit-event/event.ts';
import { openAuditStore, type AuditStore } from '../../app/audit/store.ts';
import { median, type BenchRow, type BenchTable } from './table.ts';

const INGEST_EVENTS = 200_000;
const INGEST_RUNS = 3;
const STORED_EVENTS = 1_000_000;
const EXTENSIONS = 20;
const PAGE = 50;
const QUERY_RUNS = 40;
// A month of history: one event every 2.6 s.
const SPACING_MS = 2600;
const START = Date.parse('2026-10-26T00:00:00.000Z');

const KINDS = ['fs', 'fs', 'fs', 'net', 'ipc', 'fs', 'process', 'permission'] as const;

/** The i-th event of a busy host: 20 extensions, mostly fs reads, about 2% denials. */
function event(i: number): AuditEventInput {
  const kind = KINDS[i % KINDS.length]!;
  return {
    ext: `acme.ext${(i * 7) % EXTENSIONS}`,
    layer: i % 50 === 3 ? 'kernel' : 'broker',
    kind,
    op: kind === 'fs' ? (i % 9 ? 'read' : 'write') : kind === 'net' ? 'fetch' : 'call',
    target:
      kind === 'net'
        ? `https://api${i % 13}.example.com/v1/items/${i}`
        : `/home/u/src/project/pkg${i % 31}/src/module${i}.ts`,
    decision: i % 50 === 7 ? 'deny' : 'allow',
    reason: i % 50 === 7 ? 'outside the grants' : `grant fs[${i % 4}]`,
    durationUs: 100 + (i % 400),
  };
}

function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function rate(name: string, perSecond: number, target?: number): BenchRow {
  const r: BenchRow = { name, median: Math.round(perSecond), unit: 'events/s' };
  if (target) {
    r.target = `≥ ${target.toLocaleString('en-US')}`;
    r.ratio = `${(perSecond / target).toFixed(2)}×`;
  }
  return r;
}

function latency(name: string, ms: number, target?: number): BenchRow {
  const r: BenchRow = { name, median: Number(ms.toFixed(2)), unit: 'ms' };
  if (target) {
    r.target = `≤ ${target}`;
    r.ratio = `${(target / ms).toFixed(1)}×`;
  }
  return r;
}

/** Sustained ingest as producers see it: record() in a loop with the default batching. */
function ingest(dir: string, run: number): number {
  const path = join(dir, `ingest-${run}.db`);
  const store = openAuditStore(path);
  const ms = timed(() => {
    for (let i = 0; i < INGEST_EVENTS; i++) store.record(event(i));
    store.close(); // commits the last batch
  });
  rmSync(path, { force: true });
  return (INGEST_EVENTS * 1000) / ms;
}

/** 1,000,000 chained, indexed events, in large batches (one transaction each), with progress. */
function build(path: string): { perSecond: number; store: AuditStore } {
  let t = START;
  const store = openAuditStore(path, {
    batchSize: 100_000,
    maxQueue: 100_000,
    maxDelayMs: 60_000,
    now: () => new Date(t),
  });
  const ms = timed(() => {
    for (let i = 0; i < STORED_EVENTS; i++) {
      store.record(event(i));
      t += SPACING_MS;
      if (i % 100_000 === 99_999)
        process.stderr.write(
          `\rbench audit: building the 1,000,000-event store… ${((i + 1) / 1000).toFixed(0)}k`,
        );
    }
    store.flush();
  });
  process.stderr.write('\n');
  return { perSecond: (STORED_EVENTS * 1000) / ms, store };
}

export async function benchAudit(): Promise<BenchTable> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-audit-bench-'));
  const rows: BenchRow[] = [];
  try {
    const ingestRates = Array.from({ length: INGEST_RUNS }, (_, run) => ingest(dir, run));
    rows.push(
      rate(
        `sustained ingest (record → committed, ${INGEST_EVENTS / 1000}k events)`,
        median(ingestRates),
        50_000,
      ),
    );

    const path = join(dir, 'million.db');
    const built = build(path);
    rows.push(rate('bulk load of 1,000,000 events (batches of 100k)', built.perSecond));
    built.store.close();
    const mb = statSync(path).size / 1024 / 1024;

    // The UI opens the store and asks for its first page: measured from open, then warm.
    const cold = Array.from({ length: 5 }, (_, i) => {
      let store!: AuditStore;
      const ms = timed(() => {
        store = openAuditStore(path, { readonly: true });
        store.query({ ext: `acme.ext${i}`, limit: PAGE });
      });
      store.close();
      return ms;
    });
    rows.push(
      latency(`first page after opening: ${PAGE} newest of one extension`, median(cold), 50),
    );

    const store = openAuditStore(path, { readonly: true });
    try {
      const warm = (q: (i: number) => Parameters<AuditStore['query']>[0]) =>
        median(Array.from({ length: QUERY_RUNS }, (_, i) => timed(() => store.query(q(i)))));
      rows.push(
        latency(
          `first page: ${PAGE} newest of one extension`,
          warm((i) => ({ ext: `acme.ext${i % EXTENSIONS}`, limit: PAGE })),
          50,
        ),
      );
      rows.push(
        latency(
          `first page: ${PAGE} newest denials of one extension`,
          warm((i) => ({ ext: `acme.ext${i % EXTENSIONS}`, decision: 'deny', limit: PAGE })),
          50,
        ),
      );
      rows.push(
        latency(
          `first page: ${PAGE} newest net events, all extensions`,
          warm(() => ({ kind: 'net', limit: PAGE })),
          50,
        ),
      );
      const end = START + STORED_EVENTS * SPACING_MS;
      rows.push(
        latency(
          `first page: one extension, an hour a week back`,
          warm((i) => ({
            ext: `acme.ext${i % EXTENSIONS}`,
            since: new Date(end - 7 * 86_400_000).toISOString(),
            until: new Date(end - 7 * 86_400_000 + 3_600_000).toISOString(),
            limit: PAGE,
          })),
          50,
        ),
      );
      rows.push(
        latency(
          `next page: ${PAGE} older of one extension, 2,000 pages deep`,
          warm((i) => ({
            ext: `acme.ext${i % EXTENSIONS}`,
            beforeSeq: 2000 * PAGE * EXTENSIONS,
            limit: PAGE,
          })),
          50,
        ),
      );

      let bytes = 0;
      const exportMs = timed(() => {
        for (const chunk of store.exportChunks({ ext: 'acme.ext3' }, 'csv')) bytes += chunk.length;
      });
      if (bytes === 0) throw new Error('the export wrote nothing');
      const extEvents = store.count({ ext: 'acme.ext3' });
      rows.push(
        rate(
          `CSV export of one extension (${extEvents.toLocaleString('en-US')} events)`,
          (extEvents * 1000) / exportMs,
        ),
      );

      let verified = 0;
      const verifyMs = timed(() => {
        const v = store.verify();
        if (!v.ok) throw new Error(`the bench store does not verify: ${v.reason}`);
        verified = v.events;
      });
      rows.push(
        rate(
          `verify the chain (${verified.toLocaleString('en-US')} events)`,
          (verified * 1000) / verifyMs,
        ),
      );
      rows.push({
        name: 'store size on disk, 1,000,000 events',
        median: Math.round(mb),
        unit: 'MiB',
      });
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: 'audit store (SQLite WAL via better-sqlite3, sha256 chain)', rows };
}
