// What the store needs of the way to the host: the contract transport, and whether it is connected
// (a browser tab can lose its WebSocket; the desktop window's IPC cannot). One shape for both.
import {
  bridgeTransport,
  type ContractTransport,
  type CorralBridge,
} from '../../../app/contract/index.ts';

/**
 * connecting: the first connection is being made; open: calls flow; reconnecting: the connection
 * was lost (or refused) and is being made again; `attempts` counts the failed tries since.
 */
export interface ConnectionStatus {
  state: 'connecting' | 'open' | 'reconnecting';
  attempts: number;
}

export interface HostConnection {
  transport: ContractTransport;
  status(): ConnectionStatus;
  /** Called on every change of status; returns the unsubscribe. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}

/** The desktop window's connection: the preload's bridge, which is always there. */
export function bridgeConnection(bridge: CorralBridge): HostConnection {
  const open: ConnectionStatus = { state: 'open', attempts: 0 };
  return {
    transport: bridgeTransport(bridge),
    status: () => open,
    onStatus: () => () => {},
    close: () => {},
  };
}
