// The small labelled marks that carry a level in words and colour together (never colour alone):
// risk, run state, signature, an access decision.
import type { ExtensionSummary, RunState } from '../../../../app/contract/index.ts';
import { ExtensionText } from './ExtensionText.tsx';

type Risk = 'low' | 'medium' | 'high';
const RISK_WORDS: Record<Risk, string> = {
  low: 'Low risk',
  medium: 'Medium risk',
  high: 'High risk',
};

export function RiskBadge({ risk }: { risk: Risk }) {
  return <span className={`badge risk-${risk}`}>{RISK_WORDS[risk]}</span>;
}

const STATE_WORDS: Record<RunState, string> = {
  running: 'Running',
  starting: 'Starting',
  stopped: 'Stopped',
  crashed: 'Crashed',
  disabled: 'Disabled',
  quarantined: 'Quarantined',
};

export function StateBadge({ state }: { state: RunState }) {
  return <span className={`badge state-${state}`}>{STATE_WORDS[state]}</span>;
}

export function UpdateBadge() {
  return <span className="badge state-update">Update waiting</span>;
}

export function SignatureBadge({ signature }: { signature: ExtensionSummary['signature'] }) {
  switch (signature.status) {
    case 'signed':
      return (
        <span className="badge sig-signed">
          Signed by <ExtensionText text={signature.publisher} />
        </span>
      );
    case 'untrusted':
      return (
        <span className="badge sig-untrusted" title={`Key ${signature.keyId}`}>
          Signed with an untrusted key
        </span>
      );
    case 'unsigned':
      return <span className="badge sig-unsigned">Unsigned</span>;
  }
}

export function DecisionBadge({ decision }: { decision: 'allow' | 'deny' }) {
  return decision === 'allow' ? (
    <span className="badge decision-allow">Allowed</span>
  ) : (
    <span className="badge decision-deny">Denied</span>
  );
}
