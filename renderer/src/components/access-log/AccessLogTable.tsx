// The Access log's rows, newest first, virtualised (only the rows in view exist in the page), so
// 100,000 events scroll smoothly. A grid: arrow keys, Page Up/Down, Home and End move through the
// rows, Enter opens one in the detail panel. While the user reads further down, new events arrive
// above without moving what they read; at the top the view follows the live stream. A row that
// stays in view is not drawn again when new events arrive: only its position changes.
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { policyDecision } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import type { AuditEventView } from '../../store/audit-window.ts';
import { ResultBadge } from '../common/Badges.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatClock } from '../common/format.ts';

/** Heights in pixels, the same as in access-log.css. */
export const ROW_HEIGHT = 30;
const HEADER_HEIGHT = 32;
/** Rows from the end at which the next older page is read. */
const READ_AHEAD = 40;

/** The position of the first row with a seq above `seq` (rows ascending by seq). */
function firstAfter(rows: readonly AuditEventView[], seq: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function AccessLogTable() {
  const rows = useCorral((s) => s.auditRows);
  const loaded = useCorral((s) => s.auditLoaded);
  const selected = useCorral((s) => s.auditSelected);
  const select = useCorral((s) => s.selectAuditEvent);
  const older = useCorral((s) => s.auditOlder);
  const busy = useCorral((s) => s.auditBusy);
  const loadOlder = useCorral((s) => s.loadOlderAudit);
  const filter = useCorral((s) => s.auditFilter);
  const scroller = useRef<HTMLDivElement>(null);
  const [activeSeq, setActiveSeq] = useState<number | null>(null);
  const count = rows.length;
  const eventAt = (index: number) => rows[count - 1 - index]!;

  // The React Compiler is not used here; the virtualizer re-renders through its own state.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[count - 1 - index]!.seq,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    initialRect: { width: 1200, height: 600 },
  });
  const items = virtualizer.getVirtualItems();

  // New events above: keep the rows the user is reading where they are, unless at the top. A new
  // filter is a new list: it starts at the top.
  const newest = rows.at(-1)?.seq ?? -1;
  const previous = useRef({ newest, filter });
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = { newest, filter };
    const el = scroller.current;
    if (!el) return;
    if (before.filter !== filter) {
      el.scrollTop = 0;
      return;
    }
    // The virtualiser's own record of the scroll position: reading el.scrollTop here, right after
    // the new rows went in, would make the browser lay the page out once more in every frame.
    const top = virtualizer.scrollOffset ?? 0;
    if (before.newest < 0 || newest <= before.newest || top <= 0) return;
    el.scrollTop = top + (count - firstAfter(rows, before.newest)) * ROW_HEIGHT;
  }, [newest, count, rows, filter, virtualizer]);

  const lastShown = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (older && !busy && count > 0 && lastShown >= count - READ_AHEAD) void loadOlder();
  }, [older, busy, count, lastShown, loadOlder]);

  const activePos = activeSeq === null ? -1 : firstAfter(rows, activeSeq) - 1;
  const activeIndex =
    activePos >= 0 && rows[activePos]!.seq === activeSeq ? count - 1 - activePos : -1;
  const activeShown = items.some((item) => item.index === activeIndex);

  // One function for every row, so that a row whose event and place did not change is not redrawn.
  const pick = useCallback(
    (e: AuditEventView) => {
      setActiveSeq(e.seq);
      select(e);
    },
    [select],
  );

  const moveTo = (index: number) => {
    if (count === 0) return;
    const i = Math.min(count - 1, Math.max(0, index));
    setActiveSeq(eventAt(i).seq);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  const pageRows = Math.max(
    1,
    Math.floor(((scroller.current?.clientHeight ?? 600) - HEADER_HEIGHT) / ROW_HEIGHT) - 1,
  );
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const from = activeIndex < 0 ? -1 : activeIndex;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(from + 1),
      ArrowUp: () => moveTo(from - 1),
      PageDown: () => moveTo(from + pageRows),
      PageUp: () => moveTo(from - pageRows),
      Home: () => moveTo(0),
      End: () => moveTo(count - 1),
      Enter: () => activeIndex >= 0 && select(eventAt(activeIndex)),
      ' ': () => activeIndex >= 0 && select(eventAt(activeIndex)),
      Escape: () => select(null),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  if (loaded && count === 0)
    return (
      <div className="panel empty-panel log-empty">
        <p>No event matches. Accesses and denials appear here as they happen.</p>
      </div>
    );

  return (
    <div
      ref={scroller}
      className="log-grid"
      role="grid"
      aria-label="Access log events, newest first"
      aria-rowcount={count + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={activeShown ? `audit-row-${activeSeq}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="log-head">
        <div role="row" aria-rowindex={1} className="log-row">
          {COLUMNS.map((c) => (
            <div key={c.header} role="columnheader" className={`log-cell ${c.column ?? ''}`}>
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="log-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const e = eventAt(item.index);
          return (
            <LogRow
              key={item.key}
              event={e}
              index={item.index}
              top={item.start - HEADER_HEIGHT}
              active={item.index === activeIndex}
              selected={selected?.seq === e.seq}
              onPick={pick}
            />
          );
        })}
      </div>
    </div>
  );
}

/** One event's row; drawn again only when its place, or its active or selected state, change. */
const LogRow = memo(function LogRow({
  event,
  index,
  top,
  active,
  selected,
  onPick,
}: {
  event: AuditEventView;
  index: number;
  top: number;
  active: boolean;
  selected: boolean;
  onPick: (event: AuditEventView) => void;
}) {
  const classes = ['log-row', `log-${policyDecision(event) ?? event.outcome ?? 'allow'}`];
  if (active) classes.push('is-active');
  if (selected) classes.push('is-selected');
  return (
    <div
      id={`audit-row-${event.seq}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={classes.join(' ')}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onPick(event)}
    >
      <LogCells event={event} />
    </div>
  );
});

/** A row's cells: new events above move a row (its index and place change), never its cells. */
const LogCells = memo(function LogCells({ event }: { event: AuditEventView }) {
  return COLUMNS.map((c) => (
    <div key={c.header} role="gridcell" className={`${c.className} ${c.column ?? ''}`}>
      {c.cell(event)}
    </div>
  ));
});

/** The columns: a header and what each row shows under it. */
const COLUMNS: {
  header: string;
  className: string;
  /** Names the column in CSS (the ones the details panel repeats are hidden beside it). */
  column?: string;
  cell: (e: AuditEventView) => ReactNode;
}[] = [
  { header: 'Time', className: 'log-cell nowrap', cell: (e) => formatClock(e.ts) },
  { header: 'Extension', className: 'log-cell', cell: (e) => <ExtensionText text={e.ext} /> },
  { header: 'Layer', className: 'log-cell', column: 'log-cell-layer', cell: (e) => e.layer },
  { header: 'Kind', className: 'log-cell', cell: (e) => e.kind },
  { header: 'Operation', className: 'log-cell mono', cell: (e) => <ExtensionText text={e.op} /> },
  { header: 'Target', className: 'log-cell mono', cell: (e) => <ExtensionText text={e.target} /> },
  {
    header: 'Result',
    className: 'log-cell',
    cell: (e) => <ResultBadge event={e} />,
  },
  {
    header: 'Reason',
    className: 'log-cell',
    column: 'log-cell-reason',
    cell: (e) => <ExtensionText text={e.reason} />,
  },
];
