// The helper's front door: --check, and policies it must refuse (exit 125, one line, nothing
// run). The command in every refused case would leave a file behind if it ever ran.
import assert from 'node:assert/strict';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { renderPolicy } from '../../app/sandbox/wire.ts';
import {
  asRunUser,
  missingLayers,
  planFor,
  runSandboxed,
  stageSandbox,
  startup,
  type SandboxResult,
} from './harness.ts';
import { spawnSync } from 'node:child_process';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

const out = stage.dir('out', { writable: true });
const marker = join(out, 'ran');
const plan = planFor({ exec: ['/usr/bin', ...startup('/bin/sh')], rw: [out] });
const valid = renderPolicy(plan);
const touch: [string, string[]] = ['/bin/sh', ['-c', `echo ran > ${marker}`]];

function assertRefused(r: SandboxResult, reason: RegExp): void {
  assert.equal(r.code, 125, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0] ?? '', /^corral-sandbox: /);
  assert.match(lines[0] ?? '', reason);
  assert.deepEqual(r.status, [`error ${(lines[0] ?? '').slice('corral-sandbox: '.length)}`]);
  assert.equal(existsSync(marker), false, 'the command must not have run');
}

/** The valid policy with `edit` applied to its lines. */
function edited(edit: (lines: string[]) => string[]): string {
  return edit(valid.trimEnd().split('\n')).join('\n') + '\n';
}

describe('corral-sandbox --check', { skip }, () => {
  it('reports every layer this kernel offers as JSON, Landlock with its ABI', () => {
    const [file, argv] = asRunUser(stage.helper, ['--check']);
    const r = spawnSync(file, argv, { encoding: 'utf8' });
    assert.equal(r.status, 0);
    const check = JSON.parse(r.stdout) as {
      version: number;
      arch: string;
      layers: Record<string, { ok: boolean; abi?: number }>;
    };
    assert.equal(check.version, 1);
    assert.equal(check.arch, process.arch === 'x64' ? 'x86_64' : 'aarch64');
    assert.deepEqual(Object.keys(check.layers), [
      'user',
      'mount',
      'pid',
      'net',
      'ipc',
      'uts',
      'cgroup',
      'landlock',
      'seccomp',
      'seccompNotify',
      'noNewPrivs',
    ]);
    assert.ok((check.layers.landlock?.abi ?? 0) >= 1);
  });
});

describe('policies the helper refuses', { skip }, () => {
  it('runs the valid policy these cases are cut from (so the refusals are real)', async () => {
    const r = await runSandboxed(stage, valid, ...touch);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(marker), true);
    assert.match(
      r.status[0] ?? '',
      /^layers mode=full,user,mount,pid,net,ipc,uts,cgroup,landlock=\d,seccomp,nnp,caps,rlimits/,
    );
    assert.equal(r.status.at(-1), 'exit code 0');
    rmSync(marker);
  });

  const linkTarget = stage.dir('real-folder');
  const link = join(stage.root, 'link-to-folder');
  symlinkSync(linkTarget, link);
  const cases: [string, string, RegExp][] = [
    ['a truncated policy', edited((l) => l.slice(0, -1)), /policy: truncated \(no 'end' line\)/],
    [
      'an unknown directive',
      edited((l) => [l[0] ?? '', 'mode full', 'frobnicate /usr', ...l.slice(2)]),
      /policy line 3: unknown directive 'frobnicate'/,
    ],
    [
      'a relative path',
      edited((l) => [...l.slice(0, 2), 'ro usr', ...l.slice(2)]),
      /policy line 3: expected an absolute path/,
    ],
    [
      'a path with ".."',
      edited((l) => [...l.slice(0, 2), 'ro /usr/../etc', ...l.slice(2)]),
      /policy line 3: path is not normalised/,
    ],
    [
      'a symlinked path',
      edited((l) => [...l.slice(0, 2), `ro ${link}`, ...l.slice(2)]),
      /ro grant .*link-to-folder \(permissions\.fs, --workspace or the command\): the path contains a symlink; grant its real path/,
    ],
    [
      'a missing limit',
      edited((l) => l.filter((line) => !line.startsWith('limit pids'))),
      /policy line \d+: 'limit pids' is required/,
    ],
    [
      'a duplicate singleton',
      edited((l) => [...l.slice(0, 2), 'cwd /', ...l.slice(2)]),
      /'cwd' given twice/,
    ],
    [
      'a number out of range',
      edited((l) => l.map((line) => (line.startsWith('limit cpu') ? 'limit cpu 0' : line))),
      /'0' is not a number from 1 to 10000/,
    ],
    [
      'a number with trailing junk',
      edited((l) => l.map((line) => (line.startsWith('limit nofile') ? 'limit nofile 64k' : line))),
      /'64k' is not a number/,
    ],
    [
      'keep-fd naming the status descriptor',
      edited((l) => [...l.slice(0, 2), 'keep-fd 4', ...l.slice(2)]),
      /keep-fd names the helper's own policy or status descriptor/,
    ],
    [
      'a keep-fd that is not open (a helper descriptor could take its number)',
      edited((l) => [...l.slice(0, 2), 'keep-fd 9', ...l.slice(2)]),
      /keep-fd 9: Bad file descriptor/,
    ],
    [
      "a directive before 'mode'",
      edited((l) => [l[0] ?? '', 'cwd /', ...l.slice(1)]),
      /policy line 2: 'mode' must be the first directive/,
    ],
    [
      'an unknown mode',
      edited((l) => [l[0] ?? '', 'mode partial', ...l.slice(2)]),
      /policy line 2: expected 'mode full' or 'mode reduced'/,
    ],
    ['a wrong first line', edited((l) => ['corral-sandbox-policy 2', ...l.slice(1)]), /line 1/],
    [
      'a NUL byte',
      edited((l) => [...l.slice(0, 2), 'env A=\0', ...l.slice(2)]),
      /contains a NUL byte/,
    ],
    ['more than 64 KiB', valid + '#'.repeat(70_000), /policy: larger than 65536 bytes/],
    ['a grant of the whole root', edited((l) => [...l.slice(0, 2), 'rw /', ...l.slice(2)]), /root/],
    [
      'a grant that does not exist',
      edited((l) => [...l.slice(0, 2), `ro ${stage.root}/absent`, ...l.slice(2)]),
      /ro grant .*absent \(permissions\.fs, --workspace or the command\): No such file or directory/,
    ],
  ];
  for (const [name, policy, reason] of cases) {
    it(`refuses ${name} with exit 125 and one line, running nothing`, async () => {
      assertRefused(await runSandboxed(stage, policy, ...touch), reason);
    });
  }

  it('names the manifest field behind a limit the caller cannot give', async () => {
    // The caller's own hard limit on descriptors is 100: the command cannot have 256.
    const r = await runSandboxed(stage, valid, ...touch, { callerNofile: 100 });
    assertRefused(
      r,
      /^corral-sandbox: limits\.openFiles \(the caller's own limit may be lower\): Operation not permitted$/,
    );
    const fits = await runSandboxed(stage, valid, ...touch, { callerNofile: 256 });
    assert.equal(fits.code, 0, fits.stderr);
    rmSync(marker);
  });

  it('refuses a relative command path', async () => {
    assertRefused(await runSandboxed(stage, valid, 'sh', ['-c', 'true']), /usage/);
  });

  it('refuses every truncation of a valid policy', async () => {
    // Cut anywhere before the final "end" is whole: never a policy that runs with half its grants.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: valid.length - 2 }), async (cut) => {
        const r = await runSandboxed(stage, valid.slice(0, cut), ...touch);
        assert.equal(r.code, 125);
        assert.equal(existsSync(marker), false);
      }),
      { numRuns: 25 },
    );
  });
});
