// The side bar: the product, the views, the command palette, the sandbox mode when it is not
// full, and the host this window talks to.
import { useCorral } from '../../store/store-context.tsx';
import type { Route } from '../../routing.ts';
import { NavBar } from './NavBar.tsx';

export function Sidebar({ current }: { current: Route['view'] }) {
  const openPalette = useCorral((s) => s.openPalette);
  const hello = useCorral((s) => s.hello);
  const mode = useCorral((s) => s.dashboard?.mode.mode);
  const waiting = useCorral((s) => s.prompts.length);
  return (
    <div className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Corral</span>
      </div>
      <NavBar current={current} />
      <button
        type="button"
        className="button command-button"
        aria-keyshortcuts="Control+K"
        onClick={openPalette}
      >
        Commands <kbd aria-hidden="true">Ctrl K</kbd>
      </button>
      <div className="sidebar-foot">
        {waiting > 0 && (
          <p className="pill pill-warning">
            {waiting} {waiting === 1 ? 'question waits' : 'questions wait'}
          </p>
        )}
        {mode && mode !== 'full' && (
          <a className="pill pill-warning" href="#/dashboard">
            {mode === 'reduced' ? 'Reduced sandbox' : 'Sandbox unavailable'}
          </a>
        )}
        {hello && (
          <p className="muted host-line">
            Host {hello.hostVersion} · {hello.shell === 'electron' ? 'desktop' : 'browser'}
          </p>
        )}
      </div>
    </div>
  );
}
