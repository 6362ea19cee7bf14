// The JSON-lines sink of `--audit FILE`: numbering goes on after a line torn by a kill (never
// again from 0, which would number two events alike), the torn line is ended so the next event
// is a line of its own, and events are checked and capped as the store checks them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlSinkError, openJsonlSink } from '../../../app/audit/jsonl-sink.ts';
import { MAX_FIELD_CHARS } from '../../../app/audit/clean-input.ts';
import type { AuditEventInput } from '../../../app/audit-event/event.ts';

const event: AuditEventInput = {
  ext: 'exec',
  layer: 'host',
  kind: 'lifecycle',
  op: 'exit',
  target: 'true',
  decision: 'allow',
  reason: 'exit status 0',
};

function withFile(content: string | null, body: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'corral-jsonl-'));
  const file = join(dir, 'audit.jsonl');
  if (content !== null) writeFileSync(file, content);
  try {
    body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const seqs = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .map((l) => (JSON.parse(l) as { seq: number }).seq);

test('a new log starts at 0 and a whole one goes on from its last seq (the control)', () => {
  withFile(null, (file) => {
    const sink = openJsonlSink(file);
    sink.record(event);
    sink.record(event);
    sink.close();
    const again = openJsonlSink(file);
    again.record(event);
    again.close();
    assert.deepEqual(seqs(file), [0, 1, 2]);
  });
});

test('after a torn last line the numbering goes on, and the next event is a line of its own', () => {
  const whole = [0, 1, 2].map((seq) => JSON.stringify({ seq, ts: 't', ...event })).join('\n');
  withFile(`${whole}\n{"seq":3,"ts":"t","ext":"ex`, (file) => {
    const sink = openJsonlSink(file);
    sink.record(event);
    sink.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines[3], '{"seq":3,"ts":"t","ext":"ex', 'the torn line is kept as it was');
    assert.deepEqual(seqs(file), [0, 1, 2, 3], 'no seq is used twice');
  });
});

test('a file that holds no event at all is refused with one line, not numbered from 0', () => {
  withFile('not an audit log\n', (file) => {
    assert.throws(
      () => openJsonlSink(file),
      (e) => {
        assert.ok(e instanceof JsonlSinkError);
        assert.match(e.message, /no whole event.*fix: give a new file with --audit/);
        return true;
      },
    );
  });
});

test('events are checked and capped as the store does', () => {
  withFile(null, (file) => {
    const sink = openJsonlSink(file);
    assert.throws(
      () => sink.record({ ...event, kind: 'telepathy' } as unknown as AuditEventInput),
      /audit event refused: kind/,
    );
    sink.record({ ...event, target: 'x'.repeat(MAX_FIELD_CHARS + 5) });
    sink.close();
    const [kept] = readFileSync(file, 'utf8').trim().split('\n');
    assert.match((JSON.parse(kept!) as { target: string }).target, /… \(5 more characters cut\)$/);
  });
});
