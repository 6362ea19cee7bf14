// What the user can do to one extension: enable or disable it, stop it now (it starts again when
// needed) or restart it, quarantine it with a reason, uninstall it (keeping its data or not), or
// roll back to the version before the update.
import { useEffect, useRef, useState } from 'react';
import type { ExtensionSummary } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { QuarantineDialog } from './QuarantineDialog.tsx';
import { UninstallDialog } from './UninstallDialog.tsx';

export function ExtensionActions({ summary }: { summary: ExtensionSummary }) {
  const enable = useHostAction(useCorral((s) => s.enableExtension));
  const disable = useHostAction(useCorral((s) => s.disableExtension));
  const restart = useHostAction(useCorral((s) => s.restartExtension));
  const stop = useHostAction(useCorral((s) => s.stopExtension));
  const rollback = useHostAction(useCorral((s) => s.rollbackExtension));
  const [open, setOpen] = useState<'quarantine' | 'uninstall' | null>(null);
  // Stop leaves once the extension stops: focus moves on to Restart, not to the page, once the
  // render that enables Restart again is done (whichever comes last: that, or the stop's answer).
  const restartButton = useRef<HTMLButtonElement>(null);
  const [stops, setStops] = useState(0);
  const focusedFor = useRef(0);
  const stopNow = async () => {
    if ((await stop.run(summary.id)) === null) setStops((n) => n + 1);
  };
  const busy =
    enable.pending || disable.pending || restart.pending || stop.pending || rollback.pending;
  const running = summary.state === 'running' || summary.state === 'starting';
  const quarantined = summary.quarantine !== null;
  useEffect(() => {
    if (stops === focusedFor.current || busy) return;
    focusedFor.current = stops;
    restartButton.current?.focus();
  }, [stops, busy]);
  const error = enable.error ?? disable.error ?? restart.error ?? stop.error ?? rollback.error;
  return (
    <div className="actions" role="group" aria-label="Actions">
      <div className="actions-row">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void (summary.enabled && !quarantined
              ? disable.run(summary.id)
              : enable.run(summary.id, quarantined))
          }
        >
          {quarantined ? 'Lift quarantine' : summary.enabled ? 'Disable' : 'Enable'}
        </button>
        {running && (
          <button type="button" className="button" disabled={busy} onClick={() => void stopNow()}>
            Stop
          </button>
        )}
        <button
          ref={restartButton}
          type="button"
          className="button"
          disabled={busy || !summary.enabled}
          onClick={() => void restart.run(summary.id)}
        >
          Restart
        </button>
        {summary.previousVersion && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void rollback.run(summary.id)}
          >
            Roll back to {summary.previousVersion}
          </button>
        )}
        <span className="actions-spacer" />
        {!quarantined && (
          <button
            type="button"
            className="button button-warning"
            disabled={busy}
            onClick={() => setOpen('quarantine')}
          >
            Quarantine
          </button>
        )}
        <button
          type="button"
          className="button button-danger"
          disabled={busy}
          onClick={() => setOpen('uninstall')}
        >
          Uninstall
        </button>
      </div>
      <ErrorLine error={error} />
      {open === 'quarantine' && (
        <QuarantineDialog summary={summary} onClose={() => setOpen(null)} />
      )}
      {open === 'uninstall' && <UninstallDialog summary={summary} onClose={() => setOpen(null)} />}
    </div>
  );
}
