// The session with the host: the connection's state, the host's hello, and the start that reads
// every view's state (again after a reconnect, when the Access log catches up by seq).
import { CONTRACT_VERSION } from '../../../app/contract/index.ts';
import type { ConnectionStatus } from '../transport/host-connection.ts';
import { type SliceFactory } from './slice.ts';

export interface SessionSlice {
  connection: ConnectionStatus;
  hello: { hostVersion: string; shell: 'serve' | 'electron' } | null;
  /** Why this window cannot work with the host (the contract versions differ): shown alone. */
  startError: string | null;
  setConnection(status: ConnectionStatus): void;
  /** Says hello, then reads every view's state. */
  start(): Promise<void>;
}

/** The sentence for a UI and a host built from different versions of the contract. */
export function versionMismatchMessage(hostVersion: number | null): string {
  const host = hostVersion === null ? 'another version' : `version ${hostVersion}`;
  return `This window speaks version ${CONTRACT_VERSION} of Corral's UI contract and the host speaks ${host}: reload the page, or restart Corral so that both come from the same install.`;
}

export const createSessionSlice: SliceFactory<SessionSlice> = ({ set, get, client }) => ({
  connection: { state: 'connecting', attempts: 0 },
  hello: null,
  startError: null,

  setConnection: (connection) => set({ connection }),

  async start() {
    const hello = await client.session.hello({ contractVersion: CONTRACT_VERSION });
    if (!hello.ok) {
      // A connection lost before the answer is not the host refusing: the reconnect starts again.
      if (hello.error.code === 'version-mismatch')
        set({ startError: versionMismatchMessage(null) });
      else if (get().connection.state === 'open')
        set({
          startError: `Corral could not start a session with its host: ${hello.error.message}`,
        });
      return;
    }
    if (hello.value.contractVersion !== CONTRACT_VERSION) {
      set({ startError: versionMismatchMessage(hello.value.contractVersion) });
      return;
    }
    set({
      hello: { hostVersion: hello.value.hostVersion, shell: hello.value.shell },
      startError: null,
    });
    const s = get();
    await Promise.all([
      s.loadExtensions(),
      s.loadPrompts(),
      s.auditLoaded ? s.catchUpAudit() : s.loadAuditHead(),
      s.loadDashboard(),
      s.loadSettings(),
      s.loadDevSessions(),
    ]);
  },
});
