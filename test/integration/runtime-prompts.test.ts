// Permission questions in real sandboxes: the time a question waits for the user does not count
// against the command's limits.timeoutMs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  eventsLike,
  failure,
  runAs,
  stageRuntime,
  startExtension,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import type { PromptAnswer, PromptService } from '../../app/runtime/prompts.ts';
import { ErrorCode } from '../../app/protocol/error-codes.ts';

let stage: RuntimeStage;
let ws: string;
let downloads: string;

before(() => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  stage.dir('ws/notes', { writable: true });
  downloads = stage.dir('home/Downloads');
  stage.file('home/Downloads/ideas.md', '# Ideas\n');
});

after(() => stage.close());

/** Answers every question with `answer` after `ms`, as a person who takes their time. */
function answersAfter(ms: number, answer: PromptAnswer): PromptService & { asked: number } {
  const service = {
    asked: 0,
    ask: async () => {
      service.asked++;
      await new Promise((r) => setTimeout(r, ms));
      return answer;
    },
  };
  return service;
}

/** notes-sync with limits.timeoutMs patched to `timeoutMs`. */
function notesSync(runName: string, timeoutMs: number, prompts: PromptService) {
  const dir = stage.example(
    'notes-sync',
    (m) => ((m.limits as { timeoutMs: number }).timeoutMs = timeoutMs),
    runName,
  );
  return startExtension(stage, dir, {
    workspace: ws,
    vars: { home: stage.dir('home'), documents: stage.dir('home/Documents'), downloads },
    prompts,
    runName,
  });
}

describe(`[${runAs}] the time a question waits for the user is not the extension's`, () => {
  test('a 3.5 s answer to a question does not hit a 2 s limits.timeoutMs', async () => {
    const prompts = answersAfter(3500, 'allow-once');
    const r = await notesSync('slow-answer', 2000, prompts);
    const file = join(downloads, 'ideas.md');
    const started = performance.now();
    assert.deepEqual(await r.host.execute('notes.import', [file]), {
      imported: file,
      path: join(ws, 'notes/ideas.md'),
      notes: 1,
    });
    assert.ok(performance.now() - started >= 3500, 'it did wait for the answer');
    assert.equal(prompts.asked, 1);
    assert.equal(readFileSync(join(ws, 'notes/ideas.md'), 'utf8'), '# Ideas\n');
    assert.deepEqual(eventsLike(r.events, { kind: 'limit', op: 'timeout' }), []);
    assert.equal(r.host.state, 'ready');
  });

  test('the control: the same command without a question still meets its limit', async () => {
    // A limit shorter than the command's own work (starting, reading, writing): it must still fire.
    const r = await notesSync('no-answer-needed', 1, answersAfter(0, 'allow-once'));
    await failure(r.host.execute('notes.add', ['Late', 'text']), ErrorCode.LimitExceeded);
    assert.equal(eventsLike(r.events, { kind: 'limit', op: 'timeout' }).length, 1);
  });
});
