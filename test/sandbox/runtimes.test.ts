// Legitimate work must keep working: Node and Python scripts read the workspace, write under a
// write grant, and start a child program exactly when execution of it is granted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { missingLayers, planFor, runSandboxed, stageSandbox, startup } from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

const runtimes = [
  { name: 'node', program: '/usr/bin/node', script: 'work.mjs' },
  { name: 'python3', program: '/usr/bin/python3', script: 'work.py' },
];

describe('legitimate work in the sandbox', { skip }, () => {
  for (const { name, program, script } of runtimes) {
    const ws = stage.dir(`${name}-ws`);
    const input = stage.file(`${name}-ws/input.txt`, `hello from ${name}`);
    const out = stage.dir(`${name}-out`, { writable: true });
    const output = join(out, 'result.txt');
    const run = (exec: string[], spawn: boolean) =>
      runSandboxed(
        stage,
        planFor({
          exec,
          spawn,
          ro: [ws, stage.fixtures],
          rw: [out],
          tmpfs: ['/tmp'],
          cwd: ws,
          env: { PATH: '/usr/bin:/bin', HOME: out, LANG: 'C.UTF-8' },
        }),
        program,
        [join(stage.fixtures, script), input, output],
      );

    it(`${name}: reads the workspace and writes its grant, but may not spawn by default`, async () => {
      // The runtime is the one program: the extension has no spawn grant.
      const r = await run(startup(program), false);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { read: `hello from ${name}`, spawn: 'EPERM' });
      assert.ok(r.status.includes('deny syscall execve'), r.status.join('\n'));
      assert.equal(readFileSync(output, 'utf8'), `HELLO FROM ${name.toUpperCase()}`);
      assert.equal(r.status.at(-1), 'exit code 0');
    });

    it(`${name}: spawns a child where spawning is granted`, async () => {
      const r = await run([...startup(program), '/usr/bin'], true);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { read: `hello from ${name}`, spawn: 0 });
    });
  }
});
