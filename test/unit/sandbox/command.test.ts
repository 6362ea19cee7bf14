// Resolving the command and the interpreters its start-up executes (what Landlock lets run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandError,
  elfInterpreter,
  resolveCommand,
  shebangInterpreter,
} from '../../../app/sandbox/command.ts';

test('finds the ELF loader of a dynamic executable', () => {
  const r = resolveCommand('true', '/');
  assert.equal(r.path, realpathSync('/usr/bin/true'));
  assert.equal(r.startupExecutables.length, 2);
  assert.match(r.startupExecutables[1]!, /ld-linux/);
});

test('follows #!/usr/bin/env NAME to the named interpreter and its loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-cmd-'));
  const script = join(dir, 'tool');
  writeFileSync(script, '#!/usr/bin/env python3\nprint(1)\n');
  chmodSync(script, 0o755);
  const r = resolveCommand('./tool', dir);
  assert.equal(r.path, realpathSync(script));
  assert.ok(r.startupExecutables.includes(realpathSync('/usr/bin/env')));
  assert.ok(r.startupExecutables.includes(realpathSync('/usr/bin/python3')));
  assert.ok(r.startupExecutables.some((p) => /ld-linux/.test(p)));
});

test('refuses missing, non-executable and out-of-sandbox commands with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-cmd-'));
  writeFileSync(join(dir, 'data.txt'), 'x');
  assert.throws(() => resolveCommand('no-such-tool-here', dir), /not in the sandbox's PATH/);
  assert.throws(() => resolveCommand('./missing', dir), /was not found/);
  assert.throws(() => resolveCommand('./data.txt', dir), /not an executable file; chmod \+x it/);
  writeFileSync(join(dir, 's'), '#!/nonexistent/interp\n');
  chmodSync(join(dir, 's'), 0o755);
  assert.throws(() => resolveCommand('./s', dir), CommandError);
});

test('parses #! lines and rejects what is not ELF or a script', () => {
  assert.deepEqual(shebangInterpreter(Buffer.from('#!/bin/sh -e\n')), ['/bin/sh']);
  assert.deepEqual(shebangInterpreter(Buffer.from('#! /usr/bin/env -S node --x\n')), [
    '/usr/bin/env',
    'node',
  ]);
  assert.equal(shebangInterpreter(Buffer.from('echo hi\n')), null);
  assert.equal(elfInterpreter(Buffer.from('#!/bin/sh\n')), null);
  assert.equal(elfInterpreter(Buffer.alloc(10)), null);
});
