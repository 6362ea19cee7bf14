// The commands without Corral: a stand-in for the SDK that serves a few files from memory.
// Run with "npm test" (Node's own test runner).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countWords, registerCommands } from '../src/commands.js';

/** Just enough of the SDK for the commands: paths, fs.list, fs.read and onCommand. */
function standIn(files) {
  const commands = new Map();
  return {
    commands,
    paths: { resolve: (path) => path.replace('${workspace}', '/ws') },
    fs: {
      list: async () => Object.keys(files).map((name) => ({ name, type: 'file' })),
      read: async (path) => files[path.slice('/ws/'.length)],
    },
    onCommand: (id, handler) => commands.set(id, handler),
  };
}

test('countWords counts runs of non-space characters', () => {
  assert.equal(countWords('  one two\nthree\t'), 3);
  assert.equal(countWords(''), 0);
});

test('{{name}}.count counts the .md and .txt files of the workspace, or the one it is given', async () => {
  const corral = standIn({ 'a.md': 'alpha beta', 'b.txt': 'gamma', 'c.png': 'not text' });
  registerCommands(corral);
  const count = corral.commands.get('{{name}}.count');
  assert.deepEqual(await count(), {
    total: 3,
    files: [
      { name: 'a.md', words: 2 },
      { name: 'b.txt', words: 1 },
    ],
  });
  assert.deepEqual(await count('b.txt'), { total: 1, files: [{ name: 'b.txt', words: 1 }] });
});
