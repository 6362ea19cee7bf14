// The "Deny always" answers: each stops one question for good, until reset here.
import { useCorral } from '../../store/store-context.tsx';
import { ActionRow } from '../common/ActionRow.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatDateTime } from '../common/format.ts';

export function DeniedAlwaysList() {
  const denied = useCorral((s) => s.deniedAlways);
  const reset = useCorral((s) => s.resetDeniedAlways);
  return (
    <section className="panel card" aria-labelledby="denied-title">
      <h2 id="denied-title">Denied always</h2>
      {denied.length === 0 ? (
        <p className="muted">No “Deny always” answer: every optional permission asks first.</p>
      ) : (
        <ul className="row-list">
          {denied.map((d) => (
            <ActionRow
              key={`${d.ext}\n${d.rule}`}
              label="Reset"
              action={() => reset(d.ext, d.rule)}
            >
              <strong className="mono">{d.ext}</strong>
              <p>
                <ExtensionText text={d.sentence} />
              </p>
              <p className="mono muted">
                <ExtensionText text={d.rule} />
              </p>
              <div className="muted">Since {formatDateTime(d.at)}</div>
            </ActionRow>
          ))}
        </ul>
      )}
    </section>
  );
}
