// What an update changes against what the user approved: grants added, removed, widened or
// narrowed, and limits raised or lowered.
import type { PermissionDiffView } from '../../../../app/contract/index.ts';
import { RiskBadge } from '../common/Badges.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';

const CHANGE_WORDS = {
  added: 'New',
  removed: 'No longer',
  widened: 'Wider',
  narrowed: 'Narrower',
} as const;

export function PermissionDiff({ diff }: { diff: PermissionDiffView }) {
  const nothing = diff.grants.length === 0 && diff.limits.length === 0;
  return (
    <section className="diff" aria-labelledby="diff-title">
      <h3 id="diff-title">What changes</h3>
      <p className={diff.needsConsent ? 'notice notice-warning' : 'muted'}>
        {diff.needsConsent
          ? 'This version asks for more than you approved.'
          : 'This version asks for nothing you have not approved.'}
      </p>
      {nothing ? null : (
        <ul className="diff-list">
          {diff.grants.map((g, i) => (
            <li key={i} className={`diff-item diff-${g.change}`}>
              <span className="diff-change">{CHANGE_WORDS[g.change]}</span>
              <span className="diff-sentence">
                <ExtensionText text={g.item.sentence} />
                {g.before && (
                  <span className="muted">
                    {' '}
                    (was: <ExtensionText text={g.before.sentence} />)
                  </span>
                )}
              </span>
              <RiskBadge risk={g.item.risk} />
            </li>
          ))}
          {diff.limits.map((l, i) => (
            <li
              key={`limit-${i}`}
              className={`diff-item diff-${l.raised ? 'widened' : 'narrowed'}`}
            >
              <span className="diff-change">{l.raised ? 'Raised' : 'Lowered'}</span>
              <span className="diff-sentence">
                <ExtensionText text={l.limit} />: {l.from} → {l.to}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
