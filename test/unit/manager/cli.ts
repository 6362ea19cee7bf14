// Runs the built CLI (dist/corral.cjs) for the manager's integration tests, with a private
// $XDG_DATA_HOME, as a user would: plain environment, no terminal unless asked for one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const repo = new URL('../../..', import.meta.url).pathname;
export const cli = join(repo, 'dist', 'corral.cjs');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a corral run against `root`'s data folder. */
export function cliEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: join(root, 'home'),
    XDG_DATA_HOME: join(root, 'data'),
    ...extra,
  };
}

/** `corral ARGS`, waited for. */
export function corral(root: string, args: string[], extra: Record<string, string> = {}): CliRun {
  if (!existsSync(cli)) throw new Error(`${cli} is missing; run "npm run build" first`);
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    env: cliEnv(root, extra),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `corral ARGS` in a real terminal (util-linux `script`), typing `input`. */
export function corralInTerminal(root: string, args: string[], input: string): CliRun {
  const command = [process.execPath, cli, ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: root,
    env: { ...cliEnv(root), TERM: 'dumb' },
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `corral ARGS` started in the background; resolves with its exit once done. */
export function corralChild(root: string, args: string[], extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    env: cliEnv(root, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (status) => resolve({ status, stdout, stderr })),
  );
  /** Resolves once stderr has shown `text`. */
  const waitFor = (text: string, ms = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${text}" within ${ms} ms: ${stderr}`)),
        ms,
      );
      const check = () => {
        if (!stderr.includes(text)) return;
        clearTimeout(timer);
        child.stderr.off('data', check);
        resolve();
      };
      child.stderr.on('data', check);
      check();
    });
  return { child, done, waitFor, output: () => ({ stdout, stderr }) };
}
