// One extension in full: who made it and whether that is proven, its state and the actions on it,
// what it may do (each grant in plain words, with its risk and a Revoke button), its limits, its
// commands, its own log and its recent accesses.
import { useEffect } from 'react';
import { useCorral } from '../../store/store-context.tsx';
import { SignatureBadge, StateBadge } from '../common/Badges.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatBytes, formatDateTime, formatPercent } from '../common/format.ts';
import { ConsentItemList } from './ConsentItemList.tsx';
import { ExtensionActions } from './ExtensionActions.tsx';
import { ExtensionLog } from './ExtensionLog.tsx';
import { GrantList } from './GrantList.tsx';
import { PendingUpdateNotice } from './PendingUpdateNotice.tsx';
import { RecentEvents } from './RecentEvents.tsx';

export function ExtensionDetailsPanel({ id }: { id: string }) {
  const details = useCorral((s) => s.details[id]);
  const error = useCorral((s) => s.detailsError[id] ?? null);
  const loadDetails = useCorral((s) => s.loadDetails);
  const use = useCorral((s) => s.metrics[id] ?? null);
  useEffect(() => {
    void loadDetails(id);
  }, [id, loadDetails]);

  if (!details)
    return (
      <article className="panel details-panel" aria-busy={!error}>
        {error ? <ErrorLine error={error} /> : <p className="muted">Reading {id}…</p>}
      </article>
    );
  const { summary } = details;
  const running = summary.state === 'running' || summary.state === 'starting';
  const resources = use ?? summary.resources;
  return (
    <article className="panel details-panel" aria-labelledby="details-title">
      <header className="details-head">
        <div className="details-title-row">
          <h2 id="details-title">
            <ExtensionText text={summary.name} />
          </h2>
          <span className="muted">{summary.version}</span>
          <StateBadge state={summary.state} />
          <SignatureBadge signature={summary.signature} />
        </div>
        <p className="details-meta muted">
          <span className="mono">{summary.id}</span> · published by{' '}
          <ExtensionText text={summary.publisher} />
          {running && resources && (
            <>
              {' '}
              · CPU {formatPercent(resources.cpuPercent)} · memory {formatBytes(resources.rssBytes)}{' '}
              · {resources.processes} {resources.processes === 1 ? 'process' : 'processes'}
            </>
          )}
        </p>
        <p className="details-description">
          <ExtensionText text={summary.description} />
        </p>
        {summary.stateReason && (
          <p className="details-reason">
            <ExtensionText text={summary.stateReason} />
          </p>
        )}
        {summary.quarantine && (
          <p className="notice notice-danger">
            Quarantined {formatDateTime(summary.quarantine.at)}:{' '}
            <ExtensionText text={summary.quarantine.reason} />
          </p>
        )}
        {summary.pendingUpdate && (
          <PendingUpdateNotice id={summary.id} version={summary.pendingUpdate.version} />
        )}
      </header>
      <ExtensionActions summary={summary} />
      <section aria-labelledby="grants-title">
        <h3 id="grants-title">What it may do</h3>
        <GrantList id={summary.id} grants={details.grants} />
      </section>
      {details.limits.length > 0 && (
        <section aria-labelledby="limits-title">
          <h3 id="limits-title">Limits</h3>
          <ConsentItemList items={details.limits} />
        </section>
      )}
      {details.commands.length > 0 && (
        <section aria-labelledby="commands-title">
          <h3 id="commands-title">Commands</h3>
          <ul className="plain-list">
            {details.commands.map((c) => (
              <li key={c.command}>
                <ExtensionText text={c.title} />{' '}
                <span className="muted mono">
                  <ExtensionText text={c.command} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <ExtensionLog id={summary.id} />
      <RecentEvents id={summary.id} />
    </article>
  );
}
