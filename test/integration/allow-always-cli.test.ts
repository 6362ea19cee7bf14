// "Allow always" as a person answers it in a real terminal (util-linux `script`), through the
// built CLI and the real sandbox: for an installed extension it is kept for its next runs; for an
// unpacked one (`corral run DIR`) it lasts only while that corral run does, and the question says
// so before the person answers (docs/protocol.md, permissions/request).
// nobody-pass: not needed (what is remembered does not depend on the sandbox user; test/run.mjs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corral, corralInTerminal } from '../unit/manager/cli.ts';

const repo = new URL('../..', import.meta.url).pathname;
const ID = 'corral-examples.notes-sync';
const ALWAYS_THIS_RUN =
  'Allow [o]nce, [a]lways until this corral run ends (Notes Sync is not installed, so nothing is kept), or [d]eny?';
const ALWAYS_KEPT = 'Allow [o]nce, [a]lways (kept for Notes Sync until revoked), or [d]eny?';

let root: string;
let notesSync: string;
let ws: string;
let idea: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'corral-allow-always-'));
  notesSync = join(root, 'notes-sync');
  cpSync(join(repo, 'examples/notes-sync'), notesSync, { recursive: true });
  ws = join(root, 'ws');
  mkdirSync(join(ws, 'notes'), { recursive: true });
  mkdirSync(join(root, 'home/Downloads'), { recursive: true });
  idea = join(root, 'home/Downloads/idea.md');
  writeFileSync(idea, '# An idea\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

/** `corral run WHAT --workspace WS --command notes.import` in a terminal, typing `input`. */
const importIdea = (what: string, input: string) =>
  corralInTerminal(
    root,
    ['run', what, '--workspace', ws, '--command', 'notes.import', '--args', JSON.stringify([idea])],
    input,
  );

const questions = (output: string) => output.split('Allow [o]nce').length - 1;

describe('"allow always" is kept where there is something to keep it for', () => {
  test('unpacked (corral run DIR): it lasts this run only, and the question says so', () => {
    const first = importIdea(notesSync, 'a\n');
    assert.equal(first.status, 0, first.stdout);
    assert.ok(first.stdout.includes(ALWAYS_THIS_RUN), first.stdout);
    assert.match(first.stdout, /"imported":/);
    // A new corral run asks again: nothing was written anywhere.
    const second = importIdea(notesSync, 'd\n');
    assert.equal(questions(second.stdout), 1, second.stdout);
    assert.equal(second.status, 1, second.stdout);
    assert.match(second.stdout, /reading Downloads was not allowed/);
  });

  test('installed (corral run ID): it is kept, and the next run does not ask', () => {
    const installed = corral(root, ['install', notesSync, '--yes']);
    assert.equal(installed.status, 0, installed.stderr);
    const first = importIdea(ID, 'a\n');
    assert.equal(first.status, 0, first.stdout);
    assert.ok(first.stdout.includes(ALWAYS_KEPT), first.stdout);
    const second = importIdea(ID, 'd\n'); // "d" would deny, were it asked
    assert.equal(second.status, 0, second.stdout);
    assert.equal(questions(second.stdout), 0, second.stdout);
    const list = JSON.parse(corral(root, ['list', '--json']).stdout) as { grants: string[] }[];
    assert.ok(list[0]!.grants.includes('read ${downloads}'), JSON.stringify(list));
  });
});
