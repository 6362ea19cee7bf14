// Alerts the alert rules raised (a burst of denials, a first-seen access, sustained CPU), newest
// first.
import type { AlertView } from '../../../../app/contract/index.ts';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatDateTime } from '../common/format.ts';

const RULE_WORDS: Record<string, string> = {
  'denial-burst': 'Burst of denials',
  'first-seen-access': 'First-seen access',
  'sustained-cpu': 'Sustained CPU',
};

export function AlertList({ alerts }: { alerts: readonly AlertView[] }) {
  if (alerts.length === 0)
    return <p className="muted">No alert. Alert rules watch every extension.</p>;
  return (
    <ul className="alert-list">
      {alerts.map((a) => (
        <li key={a.seq} className="alert-item">
          <div className="alert-head">
            <strong>{RULE_WORDS[a.rule] ?? <ExtensionText text={a.rule} />}</strong>
            <span className="muted mono">
              <ExtensionText text={a.ext} />
            </span>
            <span className="muted">{formatDateTime(a.ts)}</span>
          </div>
          <p>
            <ExtensionText text={a.message} />
          </p>
        </li>
      ))}
    </ul>
  );
}
