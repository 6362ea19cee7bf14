// The small labelled marks that carry a level in words and colour together (never colour alone):
// risk, run state, signature, an audit event's result.
import {
  policyDecision,
  type ExtensionSummary,
  type RunState,
} from '../../../../app/contract/index.ts';
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

const OUTCOME_WORDS: Record<string, string> = {
  ok: 'Done',
  failed: 'Failed',
  crashed: 'Crashed',
  timeout: 'Timed out',
  limit: 'Limit hit',
  alert: 'Alert',
};

/**
 * What an audit event says happened: the policy's decision (Allowed, Denied), how it came out
 * (Crashed, Timed out…), or both ("Allowed, failed": allowed, then it failed). Audit event
 * version 2 keeps the two apart: only a policy refusal is Denied.
 */
export function ResultBadge({
  event,
}: {
  event: { v?: number; kind: string; decision?: 'allow' | 'deny'; outcome?: string };
}) {
  const decision = policyDecision(event as Parameters<typeof policyDecision>[0]);
  const outcome = event.outcome ? (OUTCOME_WORDS[event.outcome] ?? event.outcome) : null;
  if (decision === 'deny') return <span className="badge decision-deny">Denied</span>;
  if (decision === 'allow')
    return (
      <span className={`badge ${outcome ? 'outcome-other' : 'decision-allow'}`}>
        {outcome ? `Allowed, ${outcome.toLowerCase()}` : 'Allowed'}
      </span>
    );
  return (
    <span className={`badge ${event.outcome === 'ok' ? 'decision-allow' : 'outcome-other'}`}>
      {outcome ?? (event.decision === 'deny' ? 'Failed' : 'Done')}
    </span>
  );
}
