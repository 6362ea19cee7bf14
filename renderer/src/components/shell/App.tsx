// The app: the side bar and the current view, with the questions, sheets and the command palette
// above them. Ctrl+K (or ⌘K) opens the palette from anywhere.
import { useEffect } from 'react';
import { useRoute } from '../../routing.ts';
import { useCorral } from '../../store/store-context.tsx';
import { AccessLogView } from '../access-log/AccessLogView.tsx';
import { CommandPalette } from '../commands/CommandPalette.tsx';
import { DashboardView } from '../dashboard/DashboardView.tsx';
import { DevView } from '../dev/DevView.tsx';
import { ConsentSheet } from '../extensions/ConsentSheet.tsx';
import { ExtensionsView } from '../extensions/ExtensionsView.tsx';
import { UpdateReview } from '../extensions/UpdateReview.tsx';
import { PromptQueue } from '../prompts/PromptQueue.tsx';
import { SettingsView } from '../settings/SettingsView.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { Sidebar } from './Sidebar.tsx';
import { StartFailure } from './StartFailure.tsx';

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

  if (startError) return <StartFailure message={startError} />;
  return (
    <>
      <div className="app">
        <Sidebar current={route.view} />
        <main className="main">
          <ConnectionBanner />
          {route.view === 'extensions' && <ExtensionsView selectedId={route.id} />}
          {route.view === 'access-log' && <AccessLogView />}
          {route.view === 'dashboard' && <DashboardView />}
          {route.view === 'settings' && <SettingsView />}
          {route.view === 'debug' && <DevView />}
        </main>
      </div>
      <ConsentSheet />
      <UpdateReview />
      <CommandPalette />
      <PromptQueue />
    </>
  );
}
