// Which way this window reaches its host: the desktop window's preload puts the bridge at
// window.corral; a browser tab has none and talks to corral serve over the WebSocket of the
// origin that served it.
import type { CorralBridge } from '../../../app/contract/index.ts';
import { bridgeConnection, type HostConnection } from './host-connection.ts';
import { hostSocketUrl, webSocketConnection, type SocketLike } from './websocket-transport.ts';

export interface ShellWindow {
  corral?: CorralBridge;
  location: { protocol: string; host: string };
}

/** The connection for `win`, with `onProblem` told of frames that could not be used. */
export function chooseConnection(
  win: ShellWindow,
  onProblem: (problem: string) => void,
  createSocket?: (url: string) => SocketLike,
): HostConnection {
  if (win.corral) return bridgeConnection(win.corral);
  return webSocketConnection({
    url: hostSocketUrl(win.location),
    onProblem,
    ...(createSocket ? { createSocket } : {}),
  });
}
