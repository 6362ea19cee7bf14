// The audit store under real processes: a writer SIGKILLed mid-write (and mid-retention) loses at
// most its uncommitted batch and never the chain; two processes appending at once never share a
// seq. The writers are child processes running the store's own code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openAuditStore } from '../../app/audit/store.ts';

const repo = new URL('../..', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * A child process that records events into DB as fast as it can, `count` of them (0: until
 * killed), and after each commit prints the newest seq it knows is committed. With `retention`,
 * it also trims the log now and then, so a kill can land inside a retention pass.
 */
function writer(
  db: string,
  ext: string,
  count: number,
  options: { retention?: boolean; go?: string } = {},
): ChildProcess {
  const script = `
    import { openAuditStore } from ${JSON.stringify(join(repo, 'app/audit/store.ts'))};
    const store = openAuditStore(process.env.DB, { batchSize: 64, maxDelayMs: 2 });
    const count = Number(process.env.COUNT);
    let i = 0;
    const round = () => {
      for (let n = 0; n < 200 && (count === 0 || i < count); n++, i++)
        store.record({ ext: process.env.EXT, layer: 'broker', kind: i % 5 ? 'fs' : 'net', op: 'read',
          target: '/w/' + i, decision: i % 7 ? 'allow' : 'deny', reason: 'writer ' + i, durationUs: i });
      store.flush();
      console.log('committed ' + store.headSeq());
      if (process.env.RETENTION && i % 4000 < 200) store.applyRetention({ maxEvents: 3000 });
      if (count === 0 || i < count) setImmediate(round);
      else store.close();
    };
    // With GO set, wait for that file, so that concurrent writers start together.
    const { existsSync } = await import('node:fs');
    console.log('ready');
    const start = () => (!process.env.GO || existsSync(process.env.GO) ? round() : setTimeout(start, 2));
    start();`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repo,
    env: {
      ...process.env,
      DB: db,
      EXT: ext,
      COUNT: String(count),
      RETENTION: options.retention ? '1' : '',
      GO: options.go ?? '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Follows a writer's "committed N" lines; resolves when it exits (with its exit signal). */
function watch(child: ChildProcess): {
  committed: () => number;
  ready: Promise<void>;
  exited: Promise<string | null>;
} {
  let committed = -1;
  let isReady!: () => void;
  const ready = new Promise<void>((done) => (isReady = done));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = /^committed (-?\d+)$/.exec(line);
    if (m) committed = Number(m[1]);
    if (line === 'ready') isReady();
  });
  const exited = new Promise<string | null>((done) =>
    child.once('exit', (code, signal) => done(signal ?? String(code))),
  );
  return { committed: () => committed, ready, exited };
}

test('kill -9 while writing: the store opens, verifies, keeps every commit, and chains on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-audit-crash-'));
  const db = join(dir, 'audit.db');
  try {
    let lastSeen = -1;
    for (let round = 0; round < 6; round++) {
      const child = writer(db, `acme.round${round}`, 0, { retention: round % 2 === 1 });
      const w = watch(child);
      // Let it get going (it has committed at least once), then kill it at a random moment.
      for (let t = 0; w.committed() <= lastSeen; t++) {
        assert.ok(t < 600, 'the writer never committed');
        await sleep(25);
      }
      await sleep(Math.floor(Math.random() * 150));
      child.kill('SIGKILL');
      assert.equal(await w.exited, 'SIGKILL');
      const reported = w.committed();

      const store = openAuditStore(db); // as the app would, after the crash
      try {
        const v = store.verify();
        assert.equal(v.ok, true, JSON.stringify(v));
        const head = store.headSeq();
        assert.ok(head >= reported, `committed seq ${reported} survived (head ${head})`);
        // The next writer continues the numbering and the chain.
        store.record({
          ext: 'acme.after',
          layer: 'host',
          kind: 'lifecycle',
          op: 'start',
          target: '-',
          decision: 'allow',
          reason: `after kill ${round}`,
        });
        store.flush();
        assert.equal(store.headSeq(), head + 1);
        assert.equal(store.verify().ok, true);
        lastSeen = head + 1;
      } finally {
        store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two processes appending at once: no seq used twice, none skipped, each keeps its order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-audit-concurrent-'));
  const db = join(dir, 'audit.db');
  try {
    openAuditStore(db).close(); // created first, so neither child races to create the schema
    const go = join(dir, 'go');
    const a = watch(writer(db, 'acme.a', 6000, { go }));
    const b = watch(writer(db, 'acme.b', 6000, { go }));
    await Promise.all([a.ready, b.ready]);
    writeFileSync(go, '');
    assert.deepEqual(await Promise.all([a.exited, b.exited]), ['0', '0']);
    const store = openAuditStore(db, { readonly: true });
    try {
      const v = store.verify();
      assert.deepEqual(v.ok && [v.events, v.firstSeq, v.lastSeq], [12_000, 0, 11_999]);
      for (const ext of ['acme.a', 'acme.b']) {
        const targets = [...store.pages({ ext })].flat().map((e) => e.target);
        assert.deepEqual(
          targets,
          Array.from({ length: 6000 }, (_, i) => `/w/${i}`),
          `${ext} in its own order`,
        );
      }
      // They did overlap: one wrote between two of the other's events (A…B…A is two turns; one
      // turn, A… then B…, would be one after the other). A loaded machine may give only that.
      const exts = [...store.pages({})].flat().map((e) => e.ext);
      const switches = exts.filter((e, i) => i > 0 && e !== exts[i - 1]).length;
      assert.ok(switches >= 2, `the writers took turns ${switches} times`);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
