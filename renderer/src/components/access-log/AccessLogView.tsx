// The Access log: every access and denial, live and newest first, with filters, pause and resume,
// export, and the details of one event.
import { useCorral } from '../../store/store-context.tsx';
import { MAX_ROWS } from '../../store/audit-window.ts';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { formatCount } from '../common/format.ts';
import { AccessLogFilters } from './AccessLogFilters.tsx';
import { AccessLogTable } from './AccessLogTable.tsx';
import { AuditEventDetail } from './AuditEventDetail.tsx';
import { ExportButtons } from './ExportButtons.tsx';
import { PauseButton } from './PauseButton.tsx';

export function AccessLogView() {
  const count = useCorral((s) => s.auditRows.length);
  const loaded = useCorral((s) => s.auditLoaded);
  const busy = useCorral((s) => s.auditBusy);
  const error = useCorral((s) => s.auditError);
  const paused = useCorral((s) => s.auditPaused);
  const selected = useCorral((s) => s.auditSelected);
  return (
    <section className="view view-fill" aria-labelledby="access-log-title">
      <header className="view-head">
        <div>
          <h1 id="access-log-title">Access log</h1>
          <p className="view-sub" role="status">
            {!loaded
              ? 'Reading the audit log…'
              : `${formatCount(count)} events shown${count >= MAX_ROWS ? ' (the newest; narrow the filter or export for older ones)' : ''}${busy ? ' · reading…' : ''} · ${paused ? 'paused' : 'live'}`}
          </p>
        </div>
        <div className="view-actions">
          <PauseButton />
          <ExportButtons />
        </div>
      </header>
      <AccessLogFilters />
      <ErrorLine error={error} />
      <div className={selected ? 'log-layout with-detail' : 'log-layout'}>
        <AccessLogTable />
        {selected && <AuditEventDetail event={selected} />}
      </div>
    </section>
  );
}
