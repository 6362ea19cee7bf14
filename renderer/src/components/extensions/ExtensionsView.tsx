// The Extensions view: every installed extension on the left, the one the user opened on the
// right, and the way to install another.
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionDetailsPanel } from './ExtensionDetailsPanel.tsx';
import { ExtensionList } from './ExtensionList.tsx';
import { InstallButton } from './InstallButton.tsx';

export function ExtensionsView({ selectedId }: { selectedId: string | null }) {
  const loaded = useCorral((s) => s.extensionsLoaded);
  const error = useCorral((s) => s.extensionsError);
  const count = useCorral((s) => s.extensions.length);
  return (
    <section className="view" aria-labelledby="extensions-title">
      <header className="view-head">
        <div>
          <h1 id="extensions-title">Extensions</h1>
          <p className="view-sub">
            {loaded ? `${count} installed` : 'Reading the installed extensions…'}
          </p>
        </div>
        <InstallButton />
      </header>
      <ErrorLine error={error} />
      <div className="master-detail">
        <ExtensionList selectedId={selectedId} />
        {selectedId ? (
          <ExtensionDetailsPanel key={selectedId} id={selectedId} />
        ) : (
          <div className="panel empty-panel">
            <p>Choose an extension to see what it may do, its log and its recent accesses.</p>
          </div>
        )}
      </div>
    </section>
  );
}
