// The commands without Corral: a stand-in for the SDK that serves a few files from memory.
// Run with "npm test" (compiles, then Node's own test runner).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandHandler } from '@corral/sdk';
import { countWords, registerCommands, type CommandsHost } from '../src/commands.js';

/** Just enough of the SDK for the commands, typed as the SDK's own parts. */
function standIn(files: Record<string, string>) {
  const commands = new Map<string, CommandHandler>();
  const corral: CommandsHost = {
    paths: { resolve: (path) => path.replace('${workspace}', '/ws') },
    fs: {
      list: async () => Object.keys(files).map((name) => ({ name, type: 'file' as const })),
      read: async (path) => files[path.slice('/ws/'.length)] ?? '',
      write: async () => undefined,
      stat: async () => ({ type: 'file', size: 0, mtimeMs: 0 }),
    },
    onCommand: (id, handler) => void commands.set(id, handler),
  };
  return { corral, commands };
}

test('countWords counts runs of non-space characters', () => {
  assert.equal(countWords('  one two\nthree\t'), 3);
  assert.equal(countWords(''), 0);
});

test('{{name}}.count counts the .md and .txt files of the workspace, or the one it is given', async () => {
  const { corral, commands } = standIn({ 'a.md': 'alpha beta', 'b.txt': 'gamma', 'c.png': 'x' });
  registerCommands(corral);
  const count = commands.get('{{name}}.count')!;
  assert.deepEqual(await count(), {
    total: 3,
    files: [
      { name: 'a.md', words: 2 },
      { name: 'b.txt', words: 1 },
    ],
  });
  assert.deepEqual(await count('b.txt'), { total: 1, files: [{ name: 'b.txt', words: 1 }] });
});
