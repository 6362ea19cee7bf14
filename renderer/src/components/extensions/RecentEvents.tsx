// The extension's most recent accesses as the audit log recorded them, newest first.
import { useCorral } from '../../store/store-context.tsx';
import { ResultBadge } from '../common/Badges.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatClock } from '../common/format.ts';

const SHOWN = 30;

export function RecentEvents({ id }: { id: string }) {
  const events = useCorral((s) => s.extensionEvents[id]);
  const shown = (events ?? []).slice(-SHOWN).reverse();
  return (
    <section aria-labelledby="events-title">
      <h3 id="events-title">Recent accesses</h3>
      {shown.length === 0 ? (
        <p className="muted">No access recorded yet.</p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Layer</th>
              <th scope="col">Operation</th>
              <th scope="col">Target</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.seq}>
                <td className="nowrap">{formatClock(e.ts)}</td>
                <td>{e.layer}</td>
                <td className="mono">
                  <ExtensionText text={`${e.kind}.${e.op}`} />
                </td>
                <td className="mono cell-wrap">
                  <ExtensionText text={e.target} />
                </td>
                <td>
                  <ResultBadge event={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
