// The grants of an installed extension: each in plain words with its risk and its state, a Revoke
// button while it is in force (a running extension feels it on its next request), Restore for a
// revoked one, and Ask again for an optional grant the user denied always.
import { useId } from 'react';
import type { GrantView } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { ConsentItemBody } from './ConsentItemList.tsx';

const STATE_WORDS: Record<GrantView['state'], string> = {
  granted: 'Granted',
  revoked: 'Revoked',
  'allowed-always': 'Allowed always',
  'allowed-once': 'Allowed for this run',
  'denied-always': 'Denied always',
  ask: 'Asks each time',
};

export function GrantList({ id, grants }: { id: string; grants: readonly GrantView[] }) {
  if (grants.length === 0) return <p className="muted">Nothing: it runs with no access at all.</p>;
  return (
    <ul className="consent-list">
      {grants.map((g) => (
        <GrantItem key={g.rule} id={id} grant={g} />
      ))}
    </ul>
  );
}

function GrantItem({ id, grant }: { id: string; grant: GrantView }) {
  const revoke = useHostAction(useCorral((s) => s.revokeGrant));
  const restore = useHostAction(useCorral((s) => s.restoreGrant));
  const resetDeniedAlways = useCorral((s) => s.resetDeniedAlways);
  const loadDetails = useCorral((s) => s.loadDetails);
  const askAgain = useHostAction(
    async (ext: string, rule: string) => (await resetDeniedAlways(ext, rule)) ?? loadDetails(ext),
  );
  const sentenceId = useId();
  // Revoke while it is in force; Restore once revoked; Ask again after "Deny always".
  const action =
    grant.state === 'granted' || grant.state.startsWith('allowed')
      ? { label: 'Revoke', run: revoke }
      : grant.state === 'revoked'
        ? { label: 'Restore', run: restore }
        : grant.state === 'denied-always'
          ? { label: 'Ask again', run: askAgain }
          : null;
  return (
    <li className={`consent-item grant-${grant.state}`}>
      <ConsentItemBody item={grant.item} sentenceId={sentenceId} />
      <div className="grant-side">
        <span className="grant-state">{STATE_WORDS[grant.state]}</span>
        {action && (
          <button
            type="button"
            className="button button-small"
            aria-describedby={sentenceId}
            disabled={action.run.pending}
            onClick={() => void action.run.run(id, grant.rule)}
          >
            {action.label}
          </button>
        )}
      </div>
      <ErrorLine error={revoke.error ?? restore.error ?? askAgain.error} />
    </li>
  );
}
