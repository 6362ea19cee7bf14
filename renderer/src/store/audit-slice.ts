// The Access log's state: the rows that match the filter, live from the host's stream, with
// nothing lost. Every event carries a seq; the rows hold every matching event up to `auditViewSeq`,
// and whatever the stream skipped (a gap, a pause, a lost connection) is read back with
// `audit.query {afterSeq}`. Reads and the stream go through one queue, so they never interleave.
import type { ContractResult, MethodOutput } from '../../../app/contract/index.ts';
import {
  MAX_ROWS,
  NO_FILTER,
  PAGE_LIMIT,
  appendNewer,
  filterInput,
  matchesAuditFilter,
  type AuditEventView,
  type AuditFilterView,
} from './audit-window.ts';
import { errorOf, type ActionError, type SliceFactory } from './slice.ts';

/** The newest events shown first when the view opens or the filter changes. */
const HEAD_LIMIT = 1000;
/** Older events read at a time when the user scrolls to the end. */
const OLDER_LIMIT = 5000;

export interface AuditSlice {
  /** Matching events, oldest first (the table shows them newest first). */
  auditRows: AuditEventView[];
  auditFilter: AuditFilterView;
  /** The rows hold every matching event with a seq up to this one (-1: none yet). */
  auditViewSeq: number;
  auditLoaded: boolean;
  /** Older matching events exist in the host's store beyond the rows. */
  auditOlder: boolean;
  auditPaused: boolean;
  /** Matching events that arrived while paused. */
  auditNewWhilePaused: number;
  auditBusy: boolean;
  auditError: string | null;
  auditSelected: AuditEventView | null;
  loadAuditHead(): Promise<ActionError>;
  setAuditFilter(patch: Partial<AuditFilterView>): Promise<ActionError>;
  receiveAuditEvents(events: readonly AuditEventView[]): void;
  pauseAudit(): void;
  resumeAudit(): Promise<ActionError>;
  /** Reads what the rows miss since `auditViewSeq` (after a reconnect). */
  catchUpAudit(): Promise<ActionError>;
  loadOlderAudit(): Promise<ActionError>;
  selectAuditEvent(event: AuditEventView | null): void;
  exportAudit(format: 'csv' | 'jsonl'): Promise<ContractResult<MethodOutput<'audit.export'>>>;
}

export const createAuditSlice: SliceFactory<AuditSlice> = ({ set, get, client }) => {
  /** Live events not yet applied, in arrival order. */
  let buffer: AuditEventView[] = [];
  let drainQueued = false;
  /** The newest seq counted while paused, so a repeated event is not counted twice. */
  let pausedSeen = -1;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task);
    chain = run.catch(() => {});
    return run;
  };

  /**
   * Every matching event with afterSeq < seq < beforeSeq (or up to the head), oldest first, read
   * newest page first; stops at MAX_ROWS, since older ones would be cut anyway.
   */
  const readRange = async (
    filter: AuditFilterView,
    afterSeq: number,
    beforeSeq?: number,
  ): Promise<{ events: AuditEventView[]; headSeq: number } | { error: string }> => {
    const pages: AuditEventView[][] = [];
    let before = beforeSeq;
    let headSeq = -1;
    let count = 0;
    for (;;) {
      const page = await client.audit.query({
        ...filterInput(filter),
        afterSeq,
        ...(before === undefined ? {} : { beforeSeq: before }),
        limit: PAGE_LIMIT,
      });
      if (!page.ok) return { error: page.error.message };
      if (pages.length === 0) headSeq = page.value.headSeq;
      pages.push(page.value.events);
      count += page.value.events.length;
      const oldest = page.value.events.at(-1);
      if (!page.value.more || !oldest || count >= MAX_ROWS) break;
      before = oldest.seq;
    }
    return { events: pages.flat().reverse(), headSeq };
  };

  const applyNewer = (events: readonly AuditEventView[], viewSeq: number) => {
    const { auditRows, auditFilter, auditOlder } = get();
    const matching = events.filter((e) => matchesAuditFilter(e, auditFilter));
    const { rows, cut } = matching.length
      ? appendNewer(auditRows, matching)
      : { rows: auditRows, cut: false };
    set({ auditRows: rows, auditViewSeq: viewSeq, auditOlder: auditOlder || cut });
  };

  /** Applies the buffered live events in seq order, reading back any gap before them. */
  const drain = async (): Promise<void> => {
    drainQueued = false;
    while (buffer.length > 0) {
      const { auditPaused, auditLoaded, auditViewSeq, auditFilter } = get();
      // Paused: the resume reads everything back; not loaded: the head read will call drain.
      if (auditPaused) {
        buffer = [];
        return;
      }
      if (!auditLoaded) return;
      const fresh = buffer.filter((e) => e.seq > auditViewSeq).sort((a, b) => a.seq - b.seq);
      buffer = [];
      const first = fresh[0];
      if (!first) return;
      if (first.seq > auditViewSeq + 1) {
        const gap = await readRange(auditFilter, auditViewSeq, first.seq);
        if ('error' in gap) {
          buffer = fresh.concat(buffer);
          set({ auditError: `The Access log could not read missed events: ${gap.error}` });
          return;
        }
        if (get().auditFilter !== auditFilter) {
          buffer = fresh.concat(buffer);
          continue;
        }
        applyNewer(gap.events, first.seq - 1);
      }
      // Apply the run of consecutive seqs; anything after a hole goes round again.
      let end = 1;
      while (end < fresh.length && fresh[end]!.seq === fresh[end - 1]!.seq + 1) end++;
      applyNewer(fresh.slice(0, end), fresh[end - 1]!.seq);
      buffer = fresh.slice(end).concat(buffer);
      if (get().auditError) set({ auditError: null });
    }
  };

  const queueDrain = () => {
    if (drainQueued) return;
    drainQueued = true;
    void serial(drain);
  };

  /** Reads what the rows miss up to the head, then the buffered live events. */
  const catchUp = async (): Promise<ActionError> => {
    const { auditViewSeq, auditFilter, auditLoaded, auditPaused } = get();
    // Paused, the view stays as it is: Resume catches up.
    if (!auditLoaded || auditPaused) return null;
    set({ auditBusy: true });
    const missed = await readRange(auditFilter, auditViewSeq);
    set({ auditBusy: false });
    if ('error' in missed) {
      const message = `The Access log could not read missed events: ${missed.error}`;
      set({ auditError: message });
      return message;
    }
    if (get().auditFilter === auditFilter)
      applyNewer(missed.events, Math.max(missed.headSeq, auditViewSeq));
    set({ auditError: null });
    await drain();
    return null;
  };

  const readHead = async (): Promise<ActionError> => {
    const filter = get().auditFilter;
    set({ auditBusy: true });
    const page = await client.audit.query({ ...filterInput(filter), limit: HEAD_LIMIT });
    // A newer filter was chosen meanwhile: its own read, queued behind this one, will answer.
    if (get().auditFilter !== filter) return null;
    set({ auditBusy: false });
    if (!page.ok) {
      set({ auditError: page.error.message });
      return page.error.message;
    }
    set({
      auditRows: page.value.events.slice().reverse(),
      auditViewSeq: page.value.headSeq,
      auditOlder: page.value.more,
      auditLoaded: true,
      auditError: null,
    });
    await drain();
    return null;
  };

  return {
    auditRows: [],
    auditFilter: NO_FILTER,
    auditViewSeq: -1,
    auditLoaded: false,
    auditOlder: false,
    auditPaused: false,
    auditNewWhilePaused: 0,
    auditBusy: false,
    auditError: null,
    auditSelected: null,

    loadAuditHead: () => serial(readHead),

    setAuditFilter(patch) {
      set({
        auditFilter: { ...get().auditFilter, ...patch },
        auditRows: [],
        auditLoaded: false,
        auditOlder: false,
        auditNewWhilePaused: 0,
        auditSelected: null,
      });
      pausedSeen = -1;
      return serial(readHead);
    },

    receiveAuditEvents(events) {
      const { auditPaused, auditFilter, auditViewSeq } = get();
      if (auditPaused) {
        let counted = 0;
        for (const e of events) {
          if (e.seq <= Math.max(pausedSeen, auditViewSeq)) continue;
          pausedSeen = e.seq;
          if (matchesAuditFilter(e, auditFilter)) counted++;
        }
        if (counted) set({ auditNewWhilePaused: get().auditNewWhilePaused + counted });
        return;
      }
      for (const e of events) buffer.push(e);
      // A host far ahead of a stalled queue must not grow the buffer without end: the oldest
      // buffered events are dropped and read back as a gap instead.
      if (buffer.length > MAX_ROWS) buffer = buffer.slice(buffer.length - MAX_ROWS);
      queueDrain();
    },

    pauseAudit() {
      pausedSeen = -1;
      set({ auditPaused: true, auditNewWhilePaused: 0 });
    },

    resumeAudit() {
      set({ auditPaused: false, auditNewWhilePaused: 0 });
      return serial(catchUp);
    },

    catchUpAudit: () => serial(catchUp),

    loadOlderAudit: () =>
      serial(async () => {
        const { auditRows, auditOlder, auditFilter } = get();
        const oldest = auditRows[0];
        const room = MAX_ROWS - auditRows.length;
        if (!auditOlder || !oldest || room <= 0) return null;
        set({ auditBusy: true });
        const page = await client.audit.query({
          ...filterInput(auditFilter),
          beforeSeq: oldest.seq,
          limit: Math.min(OLDER_LIMIT, room),
        });
        set({ auditBusy: false });
        if (get().auditFilter !== auditFilter) return null;
        if (!page.ok) return errorOf(page);
        const older = page.value.events.slice().reverse();
        const rows = older.concat(get().auditRows);
        set({ auditRows: rows, auditOlder: page.value.more && rows.length < MAX_ROWS });
        return null;
      }),

    selectAuditEvent: (event) => set({ auditSelected: event }),

    exportAudit: (format) =>
      client.audit.export({ filter: filterInput(get().auditFilter), format }),
  };
};
