// Uninstall, keeping the extension's own data or not.
import { useState } from 'react';
import type { ExtensionSummary } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ConfirmSheet } from '../common/ConfirmSheet.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { useHostAction } from '../common/use-host-action.ts';

export function UninstallDialog({
  summary,
  onClose,
}: {
  summary: ExtensionSummary;
  onClose: () => void;
}) {
  const uninstall = useHostAction(useCorral((s) => s.uninstallExtension));
  const [keepData, setKeepData] = useState(true);
  const submit = async () => {
    if ((await uninstall.run(summary.id, keepData)) === null) {
      onClose();
      window.location.hash = '#/extensions';
    }
  };
  return (
    <ConfirmSheet
      title={
        <>
          Uninstall <ExtensionText text={summary.name} />?
        </>
      }
      confirm="Uninstall"
      confirmClass="button-danger"
      canConfirm={!uninstall.pending}
      error={uninstall.error}
      onConfirm={() => void submit()}
      onClose={onClose}
    >
      <p>It stops and its files are removed. Its audit events stay in the Access log.</p>
      <label className="check">
        <input type="checkbox" checked={keepData} onChange={(e) => setKeepData(e.target.checked)} />
        <span>Keep its data (what it stored for itself), in case you install it again</span>
      </label>
    </ConfirmSheet>
  );
}
