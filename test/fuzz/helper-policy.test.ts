// Fuzzes the helper's own policy parser (sandbox-helper/src/policy.c), the C that reads the wire
// format, for a bounded time: sandbox-helper/tests/fuzz-policy.c under libFuzzer (or the
// standalone AFL-style driver where clang's libFuzzer is missing), with AddressSanitizer and
// UBSan. Any bytes must be refused with one line or parsed into a policy within every cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const helper = new URL('../../sandbox-helper/', import.meta.url).pathname;
const fuzzer = join(helper, 'build/fuzz-policy');
const seeds = join(helper, 'tests/fuzz-corpus');
const SECONDS = 10;

test(`the helper's policy parser survives ${SECONDS} s of fuzzing under the sanitizers`, () => {
  if (!existsSync(fuzzer)) throw new Error(`${fuzzer} is missing; run "make -C sandbox-helper"`);
  const work = mkdtempSync(join(tmpdir(), 'corral-fuzz-'));
  try {
    // The first folder is libFuzzer's working corpus; the seeds are read, never written.
    const r = spawnSync(
      fuzzer,
      [`-max_total_time=${SECONDS}`, '-seed=1', `-artifact_prefix=${work}/`, work, seeds],
      { cwd: work, encoding: 'utf8', timeout: (SECONDS + 60) * 1000 },
    );
    const output = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, output.split('\n').slice(-30).join('\n'));
    const runs = Number(/Done (\d+) runs/.exec(output)?.[1]);
    assert.ok(runs > 10_000, `it ran: ${runs} inputs`); // not a fuzzer that did nothing
    assert.deepEqual(
      readdirSync(work).filter((f) => /^(crash|leak|timeout|oom)-/.test(f)),
      [],
      'no crash, leak, timeout or out-of-memory input',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
