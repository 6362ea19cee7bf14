// The extension's own recent output (stdout, stderr and its log notifications), newest last,
// as text with hidden characters shown.
import { useCorral } from '../../store/store-context.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatClock } from '../common/format.ts';

const SHOWN = 200;

export function ExtensionLog({ id }: { id: string }) {
  const lines = useCorral((s) => s.extensionLog[id]);
  const shown = (lines ?? []).slice(-SHOWN);
  return (
    <section aria-labelledby="log-title">
      <h3 id="log-title">Recent log</h3>
      {shown.length === 0 ? (
        <p className="muted">Nothing logged yet.</p>
      ) : (
        <ol className="log-lines" tabIndex={0} aria-label="Recent log lines">
          {shown.map((line, i) => (
            <li key={i} className={`log-line log-${line.level ?? line.stream}`}>
              <span className="log-time">{formatClock(line.ts)}</span>
              <span className="log-stream">{line.level ?? line.stream}</span>
              <ExtensionText className="log-text" text={line.text} multiline />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
