// The renderer's start: the way to the host (the desktop window's preload bridge, or corral serve's
// WebSocket on this page's own origin), one store for this window, and the app.
import './zod-jitless.ts';
import { createRoot } from 'react-dom/client';
import { createCorralClient, type CorralBridge } from '../../app/contract/index.ts';
import { App } from './components/shell/App.tsx';
import { PartFailure } from './components/shell/PartFailure.tsx';
import { chooseConnection } from './transport/choose-connection.ts';
import { connectStore, createCorralStore } from './store/store.ts';
import { StoreProvider } from './store/store-context.tsx';
import './styles/index.css';

declare global {
  interface Window {
    /** The Electron preload's bridge; absent in a browser tab. */
    corral?: CorralBridge;
  }
}

const report = (problem: string) => console.error(`corral: ${problem}`);

const connection = chooseConnection(window, report);
const client = createCorralClient(connection.transport, (event, issue) =>
  report(`an ${event} event that does not fit the contract was dropped (${issue})`),
);
const store = createCorralStore(client);
connectStore(store, client, connection);

createRoot(document.getElementById('root')!).render(
  <PartFailure part="Corral's window">
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </PartFailure>,
);
