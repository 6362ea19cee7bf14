// The installed extensions, one row each: name, version, publisher and signature, state, and
// CPU and memory while it runs. Each row opens its details.
import type { ExtensionSummary } from '../../../../app/contract/index.ts';
import { routeHref } from '../../routing.ts';
import { useCorral } from '../../store/store-context.tsx';
import { SignatureBadge, StateBadge, UpdateBadge } from '../common/Badges.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatBytes, formatPercent } from '../common/format.ts';

export function ExtensionList({ selectedId }: { selectedId: string | null }) {
  const extensions = useCorral((s) => s.extensions);
  const loaded = useCorral((s) => s.extensionsLoaded);
  if (loaded && extensions.length === 0)
    return (
      <div className="panel empty-panel">
        <p>No extension is installed yet. Install one from a package (.tgz or .zip).</p>
      </div>
    );
  return (
    <nav className="panel extension-list" aria-label="Installed extensions">
      <ul>
        {extensions.map((e) => (
          <ExtensionRow key={e.id} extension={e} selected={e.id === selectedId} />
        ))}
      </ul>
    </nav>
  );
}

function ExtensionRow({
  extension: e,
  selected,
}: {
  extension: ExtensionSummary;
  selected: boolean;
}) {
  const use = useCorral((s) => s.metrics[e.id] ?? e.resources);
  const running = e.state === 'running' || e.state === 'starting';
  return (
    <li>
      <a
        className="extension-row"
        href={routeHref({ view: 'extensions', id: e.id })}
        aria-current={selected ? 'page' : undefined}
      >
        <span className="extension-row-title">
          <ExtensionText className="extension-name" text={e.name} />
          <span className="muted">{e.version}</span>
        </span>
        <span className="extension-row-badges">
          <StateBadge state={e.state} />
          {e.pendingUpdate && <UpdateBadge />}
          <SignatureBadge signature={e.signature} />
        </span>
        <span className="extension-row-meta muted">
          <ExtensionText text={e.publisher} />
          {running && use && (
            <span className="extension-row-use">
              CPU {formatPercent(use.cpuPercent)} · {formatBytes(use.rssBytes)}
            </span>
          )}
        </span>
      </a>
    </li>
  );
}
