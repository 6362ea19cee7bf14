// An update that waits for consent: the permission diff and the full new list, then Approve or
// Reject. Escape (or Later) leaves it waiting.
import { useId } from 'react';
import type { PendingUpdate } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { Modal } from '../common/Modal.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { ConsentItemList } from './ConsentItemList.tsx';
import { PermissionDiff } from './PermissionDiff.tsx';

export function UpdateReview() {
  const update = useCorral((s) => s.pendingUpdate);
  const question = useCorral((s) => s.prompts.length > 0);
  if (!update || question) return null;
  return <UpdateReviewDialog key={`${update.id}@${update.toVersion}`} update={update} />;
}

function UpdateReviewDialog({ update }: { update: PendingUpdate }) {
  const decide = useHostAction(useCorral((s) => s.decideUpdate));
  const close = useCorral((s) => s.closeUpdateReview);
  const id = useId();
  return (
    <Modal labelledBy={`${id}-title`} onCancel={close} className="sheet sheet-wide">
      <h2 id={`${id}-title`}>
        Update <ExtensionText text={update.name} /> from {update.fromVersion} to {update.toVersion}?
      </h2>
      <PermissionDiff diff={update.diff} />
      <section aria-labelledby={`${id}-all`}>
        <h3 id={`${id}-all`}>Everything the new version may do</h3>
        <ConsentItemList items={update.summary} />
      </section>
      <ErrorLine error={decide.error} />
      <div className="sheet-buttons">
        <button type="button" className="button" onClick={close}>
          Later
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={decide.pending}
          onClick={() => void decide.run(false)}
        >
          Reject
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={decide.pending}
          onClick={() => void decide.run(true)}
        >
          Approve
        </button>
      </div>
    </Modal>
  );
}
