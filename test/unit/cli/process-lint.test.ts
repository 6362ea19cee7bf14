// Commands touch the process only through CliIO (issue 15), and lint says so: process.stdin,
// process.once and process.emit inside a command fail; the entry that wires the process may use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const root = new URL('../../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-properties')
    .map((m) => m.message);
}

const code = [
  "process.once('SIGINT', () => undefined);",
  "process.emit('SIGTERM');",
  'export const input = process.stdin;',
  '',
].join('\n');

test('a command that reaches for the process itself fails lint, once per use', async () => {
  const found = await refusals('app/cli/probe-command.ts', code);
  assert.equal(found.length, 3, found.join('\n'));
  for (const m of found) assert.match(m, /use the CliIO the command is passed/);
});

test('the entry that builds the real CliIO may (the positive control)', async () => {
  assert.deepEqual(await refusals('app/cli/run-cli.ts', code), []);
});
