// One audit event in full: when, which extension, the layer that decided, what it reached, the
// decision, the grant or reason behind it, and how long it took.
import { useCorral } from '../../store/store-context.tsx';
import type { AuditEventView } from '../../store/audit-window.ts';
import { ResultBadge } from '../common/Badges.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatDateTime, formatMicros } from '../common/format.ts';

const LAYER_WORDS = {
  broker: 'Broker: a request the extension made through Corral',
  kernel: 'Kernel: the sandbox itself',
  host: 'Host: Corral',
} as const;

export function AuditEventDetail({ event: e }: { event: AuditEventView }) {
  const select = useCorral((s) => s.selectAuditEvent);
  return (
    <aside className="panel event-detail" aria-labelledby="event-detail-title">
      <header className="event-detail-head">
        <h2 id="event-detail-title">Event {e.seq}</h2>
        <button type="button" className="button button-small" onClick={() => select(null)}>
          Close details
        </button>
      </header>
      <dl className="facts">
        <dt>Result</dt>
        <dd>
          <ResultBadge event={e} />
        </dd>
        <dt>Time</dt>
        <dd>{formatDateTime(e.ts)}</dd>
        <dt>Extension</dt>
        <dd className="mono">
          <ExtensionText text={e.ext} />
        </dd>
        <dt>Layer</dt>
        <dd>{LAYER_WORDS[e.layer]}</dd>
        <dt>Operation</dt>
        <dd className="mono">
          <ExtensionText text={`${e.kind} · ${e.op}`} />
        </dd>
        <dt>Target</dt>
        <dd className="mono cell-wrap">
          <ExtensionText text={e.target} multiline />
        </dd>
        <dt>{e.reason.startsWith('grant ') ? 'Deciding grant' : 'Reason'}</dt>
        <dd className="cell-wrap">
          <ExtensionText text={e.reason} multiline />
        </dd>
        <dt>Duration</dt>
        <dd>{e.durationUs === undefined ? 'Not measured' : formatMicros(e.durationUs)}</dd>
      </dl>
    </aside>
  );
}
