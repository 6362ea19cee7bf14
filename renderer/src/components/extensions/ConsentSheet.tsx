// The consent sheet for a staged package: what it may touch in plain words with risk badges,
// whether its signature proves who made it, and what an update changes. Nothing is installed
// until the user presses Install; Cancel discards the staged package.
import { useId } from 'react';
import type { StagedInstall } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { RiskBadge, SignatureBadge } from '../common/Badges.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { Modal } from '../common/Modal.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { ConsentItemList } from './ConsentItemList.tsx';
import { PermissionDiff } from './PermissionDiff.tsx';
import { SignatureNote } from './SignatureNote.tsx';

/** Shown when a package is staged, unless a permission question is on screen first. */
export function ConsentSheet() {
  const staged = useCorral((s) => s.staged);
  const question = useCorral((s) => s.prompts.length > 0);
  if (!staged || question) return null;
  return <ConsentSheetDialog key={staged.token} staged={staged} />;
}

function ConsentSheetDialog({ staged }: { staged: StagedInstall }) {
  const install = useHostAction(useCorral((s) => s.confirmInstall));
  const cancel = useHostAction(useCorral((s) => s.cancelInstall));
  const id = useId();
  const busy = install.pending || cancel.pending;
  return (
    <Modal
      labelledBy={`${id}-title`}
      describedBy={`${id}-meta`}
      onCancel={() => void cancel.run()}
      className="sheet sheet-wide"
    >
      <h2 id={`${id}-title`}>
        {staged.kind === 'update' ? 'Update ' : 'Install '}
        <ExtensionText text={staged.name} />
        {staged.kind === 'update' ? ` to ${staged.version}?` : '?'}
      </h2>
      <p className="sheet-meta" id={`${id}-meta`}>
        <span>
          Version {staged.version}
          {staged.installedVersion ? ` (installed: ${staged.installedVersion})` : ''}
        </span>
        <span>
          from <ExtensionText text={staged.publisher} />
        </span>
        <SignatureBadge signature={staged.signature} />
        <span className="sheet-risk">
          Overall <RiskBadge risk={staged.overallRisk} />
        </span>
      </p>
      <p className="mono muted">{staged.id}</p>
      <p>
        <ExtensionText text={staged.description} />
      </p>
      <SignatureNote signature={staged.signature} />
      {staged.diff && <PermissionDiff diff={staged.diff} />}
      <section aria-labelledby={`${id}-may`}>
        <h3 id={`${id}-may`}>What it may do</h3>
        <ConsentItemList items={staged.summary} />
      </section>
      {staged.kind === 'same' && (
        <p className="notice notice-info">This exact version is already installed.</p>
      )}
      <ErrorLine error={install.error ?? cancel.error} />
      <div className="sheet-buttons">
        <button type="button" className="button" disabled={busy} onClick={() => void cancel.run()}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={busy || staged.kind === 'same'}
          onClick={() => void install.run()}
        >
          Install
        </button>
      </div>
    </Modal>
  );
}
