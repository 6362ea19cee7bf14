// Floods in real sandboxes: 100,000 console.log lines and 100,000 `log` notifications are bounded,
// and every line is accounted for: shown, or counted in a `limit` audit event and said in a line
// of Corral's own after the cut output. Nothing is dropped silently (contracts section 5).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  corralCli,
  eventsLike,
  runAs,
  stageRuntime,
  startExtension,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import type { AuditEvent } from '../../app/audit-event/event.ts';

const FLOOD = 100_000;

let stage: RuntimeStage;
let ws: string;

before(() => {
  stage = stageRuntime();
  ws = stage.dir('ws');
});

after(() => stage.close());

/** The lines counted as not shown, from the limit events of `op` (output or log). */
function notShown(events: AuditEvent[], op: 'output' | 'log'): number {
  return eventsLike(events, { kind: 'limit', op, outcome: 'limit' })
    .map((e) => Number(/^(\d+) /.exec(e.reason)?.[1]))
    .reduce((a, b) => a + b, 0);
}

describe(`[${runAs}] floods are bounded, and what was dropped is counted and said`, () => {
  test('100,000 console.log lines: each one shown or counted, and a line says so', async () => {
    const r = await startExtension(stage, stage.example('mischief'), {
      workspace: ws,
      runName: 'shout',
    });
    assert.deepEqual(await r.host.execute('mischief.shout', [FLOOD]), { lines: FLOOD });
    await r.host.stop(); // reads what is left and flushes the last count
    const shown = r.output.filter((l) => l.startsWith('stdout: shout ')).length;
    const dropped = notShown(r.events, 'output');
    assert.ok(shown < FLOOD / 2, `bounded: ${shown} lines shown`);
    assert.ok(shown >= 5000, `the first burst is shown whole: ${shown}`);
    assert.equal(shown + dropped, FLOOD, 'every line shown or counted');
    // Said after the cut output, in Corral's words, with the same numbers as the audit.
    assert.ok(r.notices.length > 0);
    const said = r.notices
      .map((n) => Number(/^(\d+) lines of output not shown \(more than 1000 a second/.exec(n)?.[1]))
      .reduce((a, b) => a + b, 0);
    assert.equal(said, dropped);
    // The shown lines are the first ones, in order, with nothing skipped among them.
    assert.deepEqual(r.output.slice(0, 3), [
      'stdout: shout 0',
      'stdout: shout 1',
      'stdout: shout 2',
    ]);
  });

  test('100,000 log notifications: rate-limited apart from calls, counted and said', async () => {
    // Sending 100,000 notifications takes the SDK about ten seconds: more than mischief's limit.
    const slow = (m: Record<string, unknown>) =>
      ((m.limits as { timeoutMs: number }).timeoutMs = 60_000);
    const r = await startExtension(stage, stage.example('mischief', slow, 'mischief-logs'), {
      workspace: ws,
      runName: 'log-flood',
      logRate: { perSecond: 100, burst: 300 },
      rate: { perSecond: 50, burst: 50 },
    });
    const { answers } = (await r.host.execute('mischief.logFlood', [FLOOD, 50])) as {
      answers: Record<string, number>;
    };
    // The log flood does not eat the call budget: the calls after it are all answered.
    assert.deepEqual(answers, { ok: 50 });
    await r.host.stop();
    const shown = r.logs.filter((l) => l.message.startsWith('flood ')).length;
    const dropped = notShown(r.events, 'log');
    assert.ok(shown >= 300 && shown < 5000, `bounded: ${shown} log lines shown`);
    assert.equal(shown + dropped, FLOOD, 'every log line shown or counted');
    assert.ok(r.notices.some((n) => /^\d+ log lines not shown \(more than 100 a second/.test(n)));
  });

  test('corral run: the terminal shows a bounded flood and ends with the count', async () => {
    const home = stage.ownDir('cli-home');
    const audit = join(stage.ownDir('cli-audit'), 'run.jsonl');
    const dir = stage.example('mischief', undefined, 'mischief-cli');
    const run = await corralCli(
      stage,
      [
        'run',
        dir,
        '--workspace',
        ws,
        '--audit',
        audit,
        '--command',
        'mischief.shout',
        '--args',
        JSON.stringify([FLOOD]),
      ],
      home,
    );
    assert.equal(run.status, 0, run.stderr.slice(-500));
    const lines = run.stderr.trimEnd().split('\n');
    const shown = lines.filter((l) => /^\[Mischief\] shout \d+$/.test(l)).length;
    const said = lines
      .map((l) => /^corral run: Mischief: (\d+) lines of output not shown /.exec(l)?.[1])
      .filter((n) => n !== undefined)
      .reduce((a, n) => a + Number(n), 0);
    assert.equal(shown + said, FLOOD, 'what the terminal shows adds up');
    assert.match(lines.at(-1)!, /^corral run: Mischief: \d+ lines of output not shown/);
    const events = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEvent);
    assert.equal(notShown(events, 'output'), said);
  });
});
