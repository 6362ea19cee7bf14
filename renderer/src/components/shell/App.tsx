// The app: the side bar and the current view, with the questions, sheets and the command palette
// above them. Ctrl+K (or ⌘K) opens the palette from anywhere. The window opens on Extensions; the
// other views (the Access log's virtualiser, the Dashboard's charts) are their own scripts, read
// right after the first view is on screen, so they do not delay it.
import { lazy, Suspense, useEffect } from 'react';
import { useRoute, type Route } from '../../routing.ts';
import { useCorral } from '../../store/store-context.tsx';
import { CommandPalette } from '../commands/CommandPalette.tsx';
import { ConsentSheet } from '../extensions/ConsentSheet.tsx';
import { ExtensionsView } from '../extensions/ExtensionsView.tsx';
import { UpdateReview } from '../extensions/UpdateReview.tsx';
import { PromptQueue } from '../prompts/PromptQueue.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { PartFailure } from './PartFailure.tsx';
import { Sidebar } from './Sidebar.tsx';
import { StartFailure } from './StartFailure.tsx';

const loadAccessLog = () => import('../access-log/AccessLogView.tsx');
const loadDashboard = () => import('../dashboard/DashboardView.tsx');
const loadSettings = () => import('../settings/SettingsView.tsx');
const loadDebug = () => import('../dev/DevView.tsx');
const AccessLogView = lazy(() => loadAccessLog().then((m) => ({ default: m.AccessLogView })));
const DashboardView = lazy(() => loadDashboard().then((m) => ({ default: m.DashboardView })));
const SettingsView = lazy(() => loadSettings().then((m) => ({ default: m.SettingsView })));
const DevView = lazy(() => loadDebug().then((m) => ({ default: m.DevView })));

/** The views as the side bar names them, for a view that failed. */
const VIEW_NAMES: Record<Route['view'], string> = {
  extensions: 'The Extensions view',
  'access-log': 'The Access log',
  dashboard: 'The Dashboard',
  settings: 'The Settings view',
  debug: 'The Debug view',
};

export function App() {
  const route = useRoute();
  const startError = useCorral((s) => s.startError);
  const openPalette = useCorral((s) => s.openPalette);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 'k' || !(event.ctrlKey || event.metaKey) || event.altKey)
        return;
      event.preventDefault();
      openPalette();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openPalette]);
  // Once the first view is on screen, the others are read, so that opening one does not wait.
  useEffect(() => {
    Promise.all([loadAccessLog(), loadDashboard(), loadSettings()]).catch((e: unknown) =>
      console.error(
        `corral: the other views could not be read yet (${String(e)}); opening one tries again`,
      ),
    );
  }, []);

  if (startError) return <StartFailure message={startError} />;
  return (
    <>
      <div className="app">
        <Sidebar current={route.view} />
        <main className="main">
          <ConnectionBanner />
          {/* Keyed by the view: going to another view leaves a failure behind. */}
          <PartFailure key={route.view} part={VIEW_NAMES[route.view]}>
            {route.view === 'extensions' && <ExtensionsView selectedId={route.id} />}
            <Suspense fallback={null}>
              {route.view === 'access-log' && <AccessLogView />}
              {route.view === 'dashboard' && <DashboardView />}
              {route.view === 'settings' && <SettingsView />}
              {route.view === 'debug' && <DevView />}
            </Suspense>
          </PartFailure>
        </main>
      </div>
      <PartFailure part="The install sheet" overlay>
        <ConsentSheet />
        <UpdateReview />
      </PartFailure>
      <PartFailure part="The command palette" overlay>
        <CommandPalette />
      </PartFailure>
      <PartFailure part="The extensions' questions" overlay>
        <PromptQueue />
      </PartFailure>
    </>
  );
}
