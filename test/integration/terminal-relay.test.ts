// The person's terminal stays theirs (issue 12): `corral exec` on a real terminal (node-pty drives
// it) runs the command on a pty of Corral's own, so `tty` and `stty size` work, while whatever the
// command prints to set the title, write the clipboard or make the terminal answer never arrives.
/* eslint-disable no-control-regex -- control characters are what these tests are about */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { spawn as ptySpawn } from 'node-pty';
import { asRunUser, runAs, stageCli, type Stage } from '../sandbox/harness.ts';

let stage: Stage;
let cli: string;

before(() => {
  ({ stage, cli } = stageCli());
});
after(() => stage.cleanup());

const HOSTILE =
  "printf 'A\\033]0;owned-title\\007B\\033]52;c;ZXZpbA==\\007C\\033[6nD\\033[?1000hE\\033[31mred\\033[0m\\n'";
const ENV = { PATH: '/usr/bin:/bin', HOME: '/nonexistent', TERM: 'xterm-256color' };

/**
 * `corral ARGS` on the slave of a fresh 100x30 pty; each `ready>N` the command prints is answered
 * with inputs[N]. Resolves with everything the terminal got.
 */
function onTerminal(
  args: string[],
  inputs: string[] = [],
): Promise<{ out: string; status: number }> {
  const [file, argv] = asRunUser(process.execPath, [cli, ...args]);
  return new Promise((resolve) => {
    const term = ptySpawn(file, argv, { cols: 100, rows: 30, cwd: stage.root, env: ENV });
    let out = '';
    let next = 0;
    term.onData((d) => {
      out += d;
      if (next < inputs.length && out.includes(`ready>${next}`)) term.write(inputs[next++]!);
    });
    term.onExit(({ exitCode }) => resolve({ out, status: exitCode }));
  });
}

/** `corral exec` of a shell script, with spawn granted so that the script may run programs. */
function shInSandbox(script: string): string[] {
  const policy = stage.file(
    'spawn.json',
    JSON.stringify({ permissions: { process: { spawn: true } } }),
  );
  return ['exec', '--policy', policy, '--', '/bin/sh', '-c', script];
}

test(`[${runAs}] on a terminal, the command gets a terminal of its own: isatty and stty size work`, async () => {
  const { out, status } = await onTerminal(
    shInSandbox('test -t 0 && test -t 1 && echo is-a-tty; stty size; stty -echo && echo modes-set'),
  );
  assert.equal(status, 0, out);
  assert.match(out, /is-a-tty/);
  assert.match(out, /30 100/);
  // The terminal is Corral's (`terminal pty`): changing its modes is allowed there.
  assert.match(out, /modes-set/);
});

test(`[${runAs}] hostile escape sequences are stripped, colours kept`, async () => {
  const { out, status } = await onTerminal(shInSandbox(HOSTILE));
  assert.equal(status, 0, out);
  assert.match(out, /ABCDE\x1b\[31mred\x1b\[0m/);
  assert.doesNotMatch(out, /owned-title|ZXZpbA|\x1b\]|\x1b\[6n|\x1b\[\?1000h/);
});

test(`[${runAs}] keys typed reach the command, and Ctrl-C stops it`, async () => {
  const started = Date.now();
  const { out, status } = await onTerminal(
    shInSandbox('printf "ready>0"; read line; echo "got:$line"; printf "ready>1"; exec sleep 30'),
    ['hello\r', '\x03'],
  );
  assert.match(out, /got:hello/);
  // Ctrl-C became SIGINT for the sandbox: the sleep ended by it (128 + 2), long before its 30 s.
  assert.equal(status, 130, out);
  assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
});

test(`[${runAs}] without a terminal (a positive control) the command sees none, and nothing is filtered`, () => {
  const [file, argv] = asRunUser(process.execPath, [
    cli,
    ...shInSandbox(`tty || true; ${HOSTILE}`),
  ]);
  const r = spawnSync(file, argv, { cwd: stage.root, env: ENV, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /not a tty/);
  // A pipe is not a terminal: bytes pass as written, for the program that reads them.
  assert.match(r.stdout, /\x1b\]0;owned-title/);
});
