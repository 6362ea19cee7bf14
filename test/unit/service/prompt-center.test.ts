// The questions the host asks on an extension's behalf: coalesced, one open per extension, denied
// unasked (and flagged) when asked too often, remembered only for "Deny always", ended by the
// countdown as a deny of that one request, held by a look, withdrawn when the request goes away.
import { beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEventInput } from '../../../app/audit-event/event.ts';
import type { PromptClosed, PromptView } from '../../../app/contract/index.ts';
import type { DeniedAlwaysEntry, DeniedAlwaysList } from '../../../app/service/denied-always.ts';
import { PromptCenter, PromptNotFound } from '../../../app/service/prompt-center.ts';
import type { PermissionPrompt, PromptOutcome } from '../../../app/runtime/prompts.ts';

function memoryList(): DeniedAlwaysList {
  let entries: DeniedAlwaysEntry[] = [];
  return {
    find: (ext, rules) =>
      entries.find((e) => e.ext === ext && rules.every((r) => e.rules.includes(r))),
    add: (e) => void entries.push(e),
    list: () => entries,
    reset: (ext, rule) => {
      const before = entries.length;
      entries = entries.filter((e) => !(e.ext === ext && e.rules.includes(rule)));
      return entries.length !== before;
    },
    forget: (ext) => void (entries = entries.filter((e) => e.ext !== ext)),
  };
}

let shown: PromptView[];
let closed: PromptClosed[];
let audited: AuditEventInput[];
let center: PromptCenter;
let clock: number;

const question = (ext = 'acme.notes', target = '${downloads}'): PermissionPrompt => ({
  ext,
  extName: 'Notes',
  question: `Notes asks for more access: read ${target}.`,
  target,
  grants: ['fs[0]'],
  always: 'remembered',
});

function ask(p: PermissionPrompt, signal = new AbortController().signal): Promise<PromptOutcome> {
  return center.ask(p, signal);
}

/** Lets the center's promise callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

beforeEach(() => {
  mock.timers.reset();
  mock.timers.enable({ apis: ['setTimeout'] });
  clock = Date.parse('2026-12-06T12:00:00Z');
  shown = [];
  closed = [];
  audited = [];
  center = new PromptCenter({
    timeoutMs: () => 60_000,
    describe: (_ext, labels) => ({ rules: labels.map(() => 'read ${downloads}'), risk: 'medium' }),
    deniedAlways: memoryList(),
    onPrompt: (p) => shown.push(p),
    onPromptClosed: (c) => closed.push(c),
    audit: (e) => audited.push(e),
    rate: { max: 3, windowMs: 60_000 },
    now: () => clock,
  });
});

describe('the prompt center', () => {
  it('shows a question with a countdown, and an answer reaches the request and closes it', async () => {
    const outcome = ask(question());
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.deadline, '2026-12-06T12:01:00.000Z');
    assert.deepEqual(shown[0]!.rules, ['read ${downloads}']);
    center.answer(shown[0]!.id, 'allow-once', 'desktop window');
    assert.deepEqual(await outcome, {
      answer: 'allow-once',
      why: 'allow-once by the user in the desktop window',
    });
    assert.equal(closed[0]!.why, 'answered');
    assert.match(closed[0]!.message, /desktop window: Allow once/);
    assert.deepEqual(center.list(), []);
  });

  it('coalesces identical requests into one question that answers them all', async () => {
    const first = ask(question());
    const second = ask(question());
    assert.equal(center.list().length, 1);
    assert.equal(center.list()[0]!.waiting, 2);
    center.answer(center.list()[0]!.id, 'deny', 'tab');
    assert.equal((await first).answer, 'deny');
    assert.equal((await second).answer, 'deny');
  });

  it('keeps one question open per extension; the next one shows when it closes', async () => {
    const first = ask(question('acme.notes', '${downloads}'));
    const second = ask(question('acme.notes', '${documents}'));
    const other = ask(question('acme.other', '${downloads}'));
    assert.deepEqual(
      center.list().map((p) => [p.ext, p.target]),
      [
        ['acme.notes', '${downloads}'],
        ['acme.other', '${downloads}'],
      ],
    );
    center.answer(center.list()[0]!.id, 'deny', 'tab');
    await first;
    assert.deepEqual(
      center.list().map((p) => p.target),
      ['${documents}', '${downloads}'],
    );
    for (const p of center.list()) center.answer(p.id, 'deny', 'tab');
    await Promise.all([second, other]);
  });

  it('a question nobody answers denies that request when the countdown ends, and records no rule', async () => {
    const outcome = ask(question());
    mock.timers.tick(60_000);
    assert.deepEqual(await outcome, { answer: 'deny', why: 'no answer in 60 s' });
    assert.equal(closed[0]!.why, 'timeout');
    // Asked again, it is a question again: a timeout is not "deny always".
    void ask(question());
    await settle();
    assert.equal(center.list().length, 1);
  });

  it('a look stops the countdown (the question then ends after the hold limit)', async () => {
    const outcome = ask(question());
    center.hold(shown[0]!.id);
    assert.equal(shown.at(-1)!.deadline, null);
    mock.timers.tick(60_000);
    await settle();
    assert.equal(center.list().length, 1, 'still waiting after the countdown would have ended');
    mock.timers.tick(15 * 60_000);
    assert.deepEqual(await outcome, { answer: 'deny', why: 'no answer while it was held open' });
  });

  it('"Deny always" is remembered: the same question is denied without asking', async () => {
    const outcome = ask(question());
    center.answer(shown[0]!.id, 'deny-always', 'tab');
    assert.equal((await outcome).answer, 'deny-always');
    const again = await ask(question());
    assert.equal(again.answer, 'deny');
    assert.match(again.why, /^denied always since 2026-12-06/);
    assert.equal(shown.length, 1, 'no second question');
  });

  it('an extension that asks too often is denied without a question, audited and flagged once', async () => {
    for (let i = 0; i < 3; i++) {
      void ask(question('acme.noisy', `/t${i}`));
      if (i < 2) center.answer(center.list()[0]!.id, 'deny', 'tab');
    }
    const refused = await ask(question('acme.noisy', '/t9'));
    assert.equal(refused.answer, 'deny');
    assert.match(refused.why, /asked too often/);
    await ask(question('acme.noisy', '/t10'));
    const alerts = audited.filter((e) => e.op === 'alert');
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.reason, /^prompt-flood: /);
    // Another extension is not affected (the positive control).
    void ask(question('acme.calm'));
    assert.ok(center.list().some((p) => p.ext === 'acme.calm'));
  });

  it('a request that goes away withdraws its question, which says why', async () => {
    const controller = new AbortController();
    const outcome = ask(question(), controller.signal);
    controller.abort();
    assert.equal((await outcome).answer, 'deny');
    assert.equal(closed[0]!.why, 'extension-stopped');
    assert.throws(() => center.answer(shown[0]!.id, 'allow-once', 'tab'), PromptNotFound);
  });

  it('withdraw() ends every question of an extension (it stopped)', async () => {
    const outcome = ask(question());
    center.withdraw('acme.notes', 'Notes stopped: the question is withdrawn.');
    assert.equal((await outcome).answer, 'deny');
    assert.deepEqual(
      closed.map((c) => c.message),
      ['Notes stopped: the question is withdrawn.'],
    );
  });
});
