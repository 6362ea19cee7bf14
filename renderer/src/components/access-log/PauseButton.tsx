// Pause and resume the live Access log; while paused, how many matching events arrived. Resume
// reads them back by seq, so nothing is lost.
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { formatCount } from '../common/format.ts';
import { useHostAction } from '../common/use-host-action.ts';

export function PauseButton() {
  const paused = useCorral((s) => s.auditPaused);
  const waiting = useCorral((s) => s.auditNewWhilePaused);
  const pause = useCorral((s) => s.pauseAudit);
  const resume = useHostAction(useCorral((s) => s.resumeAudit));
  return (
    <div className="pause">
      {paused && (
        <span className="pause-count" role="status">
          {waiting === 0
            ? 'No new events'
            : `${formatCount(waiting)} new ${waiting === 1 ? 'event' : 'events'}`}
        </span>
      )}
      <button
        type="button"
        className="button"
        aria-pressed={paused}
        disabled={resume.pending}
        onClick={() => (paused ? void resume.run() : pause())}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
      <ErrorLine error={resume.error} />
    </div>
  );
}
