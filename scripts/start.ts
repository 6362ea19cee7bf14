// `npm start`: the desktop app when it can open, else `corral serve`, which prints its URL.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chooseStart, findElectronBinary } from './start-choice.ts';

const root = new URL('..', import.meta.url).pathname;
const mainPath = join(root, 'dist', 'electron', 'main.cjs');
const choice = chooseStart({
  electronBinary: findElectronBinary(join(root, 'node_modules', 'electron'), process.env),
  mainBuilt: existsSync(mainPath),
  platform: process.platform,
  env: process.env,
  mainPath,
});

const [command, args] =
  choice.kind === 'electron'
    ? [choice.binary, choice.args]
    : [join(root, 'bin', 'corral'), ['serve', ...process.argv.slice(2)]];
if (choice.kind === 'serve') process.stderr.write(`${choice.reason}\n`);

const child = spawn(command, args, { stdio: 'inherit' });
// Ctrl-C reaches the child from the terminal by itself (same process group): this process only
// waits, so the child is not told twice (corral serve stops every extension and flushes the
// audit log). A SIGTERM sent to this process alone is passed on. The child's status is ours.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
child.on('error', (error) => {
  process.stderr.write(`Corral: could not start ${command}: ${error.message}\n`);
  process.exit(1);
});
