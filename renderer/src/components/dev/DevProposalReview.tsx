// The learning run's proposal, reviewed as `corral dev --learn` shows it: the permissions it would
// change as a diff, the linter's findings on it, the notes, the whole corral.json it would write,
// and nothing written until Accept. Accept writes exactly the proposal shown (the host checks its
// id); Reject puts it away. Every line is the extension's or the linter's text, shown as text.
import { useId, useState } from 'react';
import type { DevProposal } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { useHostAction } from '../common/use-host-action.ts';

export function DevProposalReview({ session }: { session: string }) {
  const proposal = useCorral((s) => s.devProposals[session]);
  const review = useHostAction(useCorral((s) => s.reviewDevProposal));
  const acceptProposal = useCorral((s) => s.acceptDevProposal);
  const reject = useCorral((s) => s.rejectDevProposal);
  const [written, setWritten] = useState<string | null>(null);
  const accept = useHostAction(async (id: string) => {
    const result = await acceptProposal(id);
    if (!result.ok) return result.error.message;
    setWritten(`Wrote ${result.value.files.join(' and ')}; the session reloads with it.`);
    return null;
  });
  const id = useId();
  return (
    <section className="dev-proposal" aria-labelledby={`${id}-title`}>
      <div className="dev-proposal-head">
        <h3 id={`${id}-title`}>Learning run proposal</h3>
        <button
          type="button"
          className="button button-small"
          disabled={review.pending}
          onClick={() => {
            setWritten(null);
            accept.clearError();
            void review.run(session);
          }}
        >
          {proposal ? 'Review again' : 'Review proposal'}
        </button>
      </div>
      <ErrorLine error={review.error} />
      {written && !proposal && <p role="status">{written}</p>}
      {proposal && (
        <ProposalText
          proposal={proposal}
          pending={accept.pending}
          onAccept={() => void accept.run(session)}
          onReject={() => {
            accept.clearError();
            reject(session);
          }}
        />
      )}
      <ErrorLine error={accept.error} />
    </section>
  );
}

function ProposalText({
  proposal,
  pending,
  onAccept,
  onReject,
}: {
  proposal: DevProposal;
  pending: boolean;
  onAccept: () => void;
  onReject: () => void;
}) {
  const id = useId();
  return (
    <>
      <p className="muted">
        Accept writes {proposal.files.join(' and ')} in the extension&apos;s folder, and the session
        reloads with it; Reject writes nothing.
      </p>
      <h4 id={`${id}-diff`}>Permissions (+ to add, - to remove)</h4>
      <pre className="text-output dev-diff" aria-labelledby={`${id}-diff`} tabIndex={0}>
        {proposal.diff.length === 0
          ? '(no permissions)'
          : proposal.diff.map((line, i) => (
              <span key={i} className={diffClass(line)}>
                <ExtensionText text={line} />
                {'\n'}
              </span>
            ))}
      </pre>
      <TextList
        title="Linter findings"
        lines={proposal.findings}
        none="The linter finds nothing."
      />
      {proposal.notes.length > 0 && <TextList title="Notes" lines={proposal.notes} none="" />}
      <details className="dev-manifest">
        <summary>corral.json as it would be written</summary>
        <pre className="text-output" tabIndex={0}>
          <ExtensionText text={proposal.manifest} multiline />
        </pre>
      </details>
      <div className="form-buttons">
        <button type="button" className="button" disabled={pending} onClick={onReject}>
          Reject
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={pending}
          onClick={onAccept}
        >
          Accept and write
        </button>
      </div>
    </>
  );
}

function TextList({ title, lines, none }: { title: string; lines: string[]; none: string }) {
  const id = useId();
  return (
    <>
      <h4 id={id}>{title}</h4>
      {lines.length === 0 ? (
        <p>{none}</p>
      ) : (
        <ul aria-labelledby={id}>
          {lines.map((line, i) => (
            <li key={i}>
              <ExtensionText text={line} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** How a diff line is coloured (its +, - or space says the same in words). */
function diffClass(line: string): string {
  if (line.startsWith('+')) return 'dev-diff-add';
  if (line.startsWith('-')) return 'dev-diff-remove';
  return 'dev-diff-same';
}
