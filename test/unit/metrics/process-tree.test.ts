// Resource samples of a process tree from /proc: a real tree of child processes, and a stand-in
// /proc whose sums are known exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuPercent, parseProcStat, sampleProcessTree } from '../../../app/metrics/process-tree.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function start(script: string): ChildProcess {
  return spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
}

async function stop(child: ChildProcess): Promise<void> {
  // The whole tree: the root's children are in its process group only if we made one, so
  // kill what the sample found.
  const sample = sampleProcessTree(child.pid!);
  for (const pid of sample?.pids ?? []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
}

async function treeOf(pid: number, size: number) {
  for (let i = 0; i < 200; i++) {
    const s = sampleProcessTree(pid);
    if (s && s.pids.length >= size) return s;
    await sleep(10);
  }
  throw new Error(`the tree of ${pid} never reached ${size} processes`);
}

test('a real tree: the root, its children and grandchildren, with their memory and descriptors', async () => {
  // sh (fds 0-2, 5, 6) → sleep, and a subshell → sleep: four processes, each holding 5 fds.
  const root = start('exec 5</dev/null 6</dev/null; sleep 60 & (sleep 60 & wait) & wait');
  try {
    const s = await treeOf(root.pid!, 4);
    assert.equal(s.pids.length, 4);
    assert.equal(s.pids[0], root.pid);
    assert.equal(s.pids.includes(process.pid), false, 'the parent is not part of the tree');
    assert.ok(s.rssBytes > 4 * 100 * 1024, `rss ${s.rssBytes}`);
    assert.ok(s.openFds >= 4 * 5, `fds ${s.openFds}`); // each holds 0-2, 5 and 6, and sh may hold more
    assert.ok(s.cpuMs >= 0);
  } finally {
    await stop(root);
  }
  assert.equal(sampleProcessTree(root.pid!), null, 'a root that has exited has no sample');
});

test('CPU use between two samples counts a busy descendant', async () => {
  const root = start('while :; do :; done & wait');
  try {
    const first = await treeOf(root.pid!, 2);
    await sleep(400);
    const second = sampleProcessTree(root.pid!)!;
    const percent = cpuPercent(first, second);
    // One core spinning is 100%; the machine is shared, so ask only for a clear share of it.
    assert.ok(percent > 20 && percent < 250, `cpu ${percent}%`);
  } finally {
    await stop(root);
  }
});

test('stat parsing survives a command name with spaces and parentheses', () => {
  const line =
    '4242 (evil) (name here) S 4200 4242 4242 0 -1 4194304 99 0 0 0 150 50 7 3 20 0 1 0 364359 3133440 418';
  assert.deepEqual(parseProcStat(line), { ppid: 4200, cpuTicks: 210 });
  assert.equal(parseProcStat('garbage'), null);
});

test('sums over a stand-in /proc: ticks to ms, kB to bytes, descendants only', () => {
  const proc = mkdtempSync(join(tmpdir(), 'corral-proc-'));
  try {
    const fake = (pid: number, ppid: number, ticks: number, rssKb: number | null, fds: number) => {
      mkdirSync(join(proc, String(pid), 'fd'), { recursive: true });
      writeFileSync(
        join(proc, String(pid), 'stat'),
        `${pid} (p ${pid}) S ${ppid} 1 1 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 1 1 1\n`,
      );
      writeFileSync(
        join(proc, String(pid), 'status'),
        `Name:\tp\n${rssKb === null ? '' : `VmRSS:\t    ${rssKb} kB\n`}`,
      );
      for (let i = 0; i < fds; i++) writeFileSync(join(proc, String(pid), 'fd', String(i)), '');
    };
    fake(10, 1, 100, 1000, 4);
    fake(11, 10, 50, 2000, 3);
    fake(12, 11, 25, null, 0); // a zombie: no VmRSS
    fake(13, 1, 999, 9999, 9); // not in the tree
    mkdirSync(join(proc, 'self'));
    const s = sampleProcessTree(10, proc)!;
    assert.deepEqual(s.pids, [10, 11, 12]);
    assert.equal(s.cpuMs, 1750);
    assert.equal(s.rssBytes, 3000 * 1024);
    assert.equal(s.openFds, 7);
    assert.equal(cpuPercent({ ...s, cpuMs: 0, atMs: 0 }, { ...s, cpuMs: 500, atMs: 1000 }), 50);
  } finally {
    rmSync(proc, { recursive: true, force: true });
  }
});
