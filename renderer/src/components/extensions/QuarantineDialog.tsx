// Quarantine with a reason: the extension is stopped, disabled and flagged; its files are kept so
// that someone can look at them.
import { useRef, useState } from 'react';
import type { ExtensionSummary } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ConfirmSheet } from '../common/ConfirmSheet.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { useHostAction } from '../common/use-host-action.ts';

export function QuarantineDialog({
  summary,
  onClose,
}: {
  summary: ExtensionSummary;
  onClose: () => void;
}) {
  const quarantine = useHostAction(useCorral((s) => s.quarantineExtension));
  const [reason, setReason] = useState('');
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const submit = async () => {
    if ((await quarantine.run(summary.id, reason.trim())) === null) onClose();
  };
  return (
    <ConfirmSheet
      title={
        <>
          Quarantine <ExtensionText text={summary.name} />?
        </>
      }
      confirm="Quarantine"
      confirmClass="button-warning"
      canConfirm={!quarantine.pending && reason.trim() !== ''}
      error={quarantine.error}
      onConfirm={() => void submit()}
      onClose={onClose}
      initialFocus={reasonRef}
    >
      <p>
        It stops now and cannot run until you lift the quarantine. Its files stay where they are, so
        that you or someone you trust can look at them.
      </p>
      <label className="field">
        <span>Reason</span>
        <textarea
          ref={reasonRef}
          value={reason}
          required
          maxLength={500}
          rows={3}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
    </ConfirmSheet>
  );
}
