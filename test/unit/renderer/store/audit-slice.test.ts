// The Access log's rows in the store: live events in seq order, gaps read back by seq, a pause that
// counts and then catches up, a reconnect that catches up, filters applied to pages and the stream,
// and a cap on the rows kept.
import { expect, test } from 'vitest';
import { MAX_ROWS, appendNewer } from '../../../../renderer/src/store/audit-window.ts';
import { callsOf, settle, startedStore } from '../test-store.ts';

const seqs = (rows: { seq: number }[]) => rows.map((e) => e.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('the head page is read at start, oldest first in the store, up to the host head', async () => {
  const { store } = await startedStore({ auditEvents: 1500 });
  const s = store.getState();
  expect(s.auditLoaded).toBe(true);
  expect(seqs(s.auditRows)).toEqual(range(500, 1499));
  expect(s.auditViewSeq).toBe(1499);
  expect(s.auditOlder).toBe(true);
});

test('live events are appended in seq order', async () => {
  const { store, host } = await startedStore({ auditEvents: 10 });
  host.addAuditEvents(5);
  await settle();
  expect(seqs(store.getState().auditRows)).toEqual(range(0, 14));
  expect(store.getState().auditViewSeq).toBe(14);
});

test('a gap in seq is read back with audit.query {afterSeq, beforeSeq}: nothing lost, nothing twice', async () => {
  const { store, host } = await startedStore({ auditEvents: 10 });
  host.addAuditEvents(30, { push: false }); // seqs 10..39 never reach this window live
  host.addAuditEvents(5); // 40..44 arrive: the store sees the hole before them
  for (let i = 0; i < 4; i++) await settle();
  expect(seqs(store.getState().auditRows)).toEqual(range(0, 44));
  const gapReads = callsOf(host, 'audit.query').filter(
    (c) => (c.input as { afterSeq?: number }).afterSeq === 9,
  );
  expect(gapReads.map((c) => (c.input as { beforeSeq?: number }).beforeSeq)).toEqual([40]);
});

test('a gap larger than one page is read back a page at a time', async () => {
  const { store, host } = await startedStore({ auditEvents: 1 });
  host.addAuditEvents(25_000, { push: false });
  host.addAuditEvents(1);
  for (let i = 0; i < 6; i++) await settle();
  const rows = store.getState().auditRows;
  expect(rows.length).toBe(25_002);
  expect(rows.every((e, i) => e.seq === i)).toBe(true);
  const reads = callsOf(host, 'audit.query').filter(
    (c) => (c.input as { afterSeq?: number }).afterSeq === 0,
  );
  expect(reads.length).toBe(3);
});

test('while paused, matching events are counted and the rows stay; resume catches up by seq', async () => {
  const { store, host } = await startedStore({ auditEvents: 20 });
  await store.getState().setAuditFilter({ decision: 'deny' });
  const before = seqs(store.getState().auditRows);
  store.getState().pauseAudit();
  const fresh = host.addAuditEvents(40);
  await settle();
  const denials = fresh.filter((e) => e.decision === 'deny').length;
  expect(denials).toBeGreaterThan(0);
  expect(denials).toBeLessThan(40);
  expect(store.getState().auditNewWhilePaused).toBe(denials);
  expect(seqs(store.getState().auditRows)).toEqual(before);

  expect(await store.getState().resumeAudit()).toBeNull();
  const s = store.getState();
  expect(s.auditPaused).toBe(false);
  expect(s.auditNewWhilePaused).toBe(0);
  expect(seqs(s.auditRows)).toEqual(
    host.audit.filter((e) => e.decision === 'deny').map((e) => e.seq),
  );
});

test('a repeated batch while paused is not counted twice', async () => {
  const { store, host } = await startedStore({ auditEvents: 5 });
  store.getState().pauseAudit();
  const fresh = host.addAuditEvents(3);
  host.emit('onAuditEvents', { events: fresh });
  await settle();
  expect(store.getState().auditNewWhilePaused).toBe(3);
});

test('after a reconnect the session starts again and the rows catch up on what was missed', async () => {
  const { store, host, setStatus } = await startedStore({ auditEvents: 10 });
  setStatus({ state: 'reconnecting', attempts: 1 });
  host.addAuditEvents(12, { push: false });
  setStatus({ state: 'open', attempts: 0 });
  for (let i = 0; i < 5; i++) await settle();
  expect(callsOf(host, 'session.hello').length).toBe(2);
  expect(seqs(store.getState().auditRows)).toEqual(range(0, 21));
});

test('a filter is applied to the page read and to the live stream', async () => {
  const { store, host } = await startedStore({ auditEvents: 200 });
  await store.getState().setAuditFilter({ ext: 'shady.clip-sync', text: 'ssh' });
  const query = callsOf(host, 'audit.query').at(-1)!.input;
  expect(query).toMatchObject({ ext: 'shady.clip-sync', text: 'ssh' });
  host.addAuditEvents(100);
  await settle();
  const rows = store.getState().auditRows;
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((e) => e.ext === 'shady.clip-sync' && e.target.includes('.ssh'))).toBe(true);
  expect(seqs(rows)).toEqual(
    host.audit
      .filter((e) => e.ext === 'shady.clip-sync' && e.target.includes('.ssh'))
      .map((e) => e.seq),
  );
});

test('scrolling back reads the page before the oldest row', async () => {
  const { store, host } = await startedStore({ auditEvents: 3000 });
  expect(await store.getState().loadOlderAudit()).toBeNull();
  expect(seqs(store.getState().auditRows)).toEqual(range(0, 2999));
  expect(store.getState().auditOlder).toBe(false);
  expect(callsOf(host, 'audit.query').at(-1)!.input).toMatchObject({ beforeSeq: 2000 });
});

test('the rows keep the newest events up to the cap', () => {
  const event = (seq: number) => ({ seq }) as Parameters<typeof appendNewer>[0][number];
  const rows = [1, 2, 3].map(event);
  expect(seqs(appendNewer(rows, [4, 5].map(event), 4).rows)).toEqual([2, 3, 4, 5]);
  expect(appendNewer(rows, [4].map(event), 4).cut).toBe(false);
  expect(seqs(appendNewer(rows, [4, 5, 6, 7, 8].map(event), 4).rows)).toEqual([5, 6, 7, 8]);
  expect(MAX_ROWS).toBe(100_000);
});

test('a failed gap read keeps the events, says so, and succeeds on the next batch', async () => {
  const { store, host } = await startedStore({ auditEvents: 5 });
  host.addAuditEvents(5, { push: false });
  host.failNext('audit.query', {
    code: 'internal',
    message: 'The audit store is busy; try again.',
  });
  host.addAuditEvents(1);
  for (let i = 0; i < 3; i++) await settle();
  expect(store.getState().auditError).toMatch(/The audit store is busy/);
  expect(seqs(store.getState().auditRows)).toEqual(range(0, 4));
  host.addAuditEvents(1);
  for (let i = 0; i < 4; i++) await settle();
  expect(store.getState().auditError).toBeNull();
  expect(seqs(store.getState().auditRows)).toEqual(range(0, 11));
});

test('a reconnect while paused leaves the view alone; Resume then catches up', async () => {
  const { store, host, setStatus } = await startedStore({ auditEvents: 10 });
  store.getState().pauseAudit();
  setStatus({ state: 'reconnecting', attempts: 1 });
  host.addAuditEvents(6, { push: false });
  setStatus({ state: 'open', attempts: 0 });
  for (let i = 0; i < 5; i++) await settle();
  expect(callsOf(host, 'session.hello')).toHaveLength(2);
  expect(seqs(store.getState().auditRows)).toEqual(range(0, 9));
  expect(await store.getState().resumeAudit()).toBeNull();
  expect(seqs(store.getState().auditRows)).toEqual(range(0, 15));
});
