// Who may call the host over IPC: only the main frame of Corral's own window, showing our app://
// page. A subframe, another window, or a page that somehow navigated away is refused, as the
// Electron security checklist asks ("validate the sender of all IPC messages").
import { APP_HOST, APP_SCHEME } from './window-options.ts';

/** The parts of Electron's WebFrameMain the check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly processId: number;
  readonly routingId: number;
}

/** The parts of an IpcMainInvokeEvent the check reads. */
export interface IpcEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

/** The parts of our BrowserWindow the check reads. */
export interface WindowLike {
  isDestroyed(): boolean;
  readonly webContents: { readonly id: number; readonly mainFrame: FrameLike };
}

/** True when `url` is a page of ours: app://corral/… and nothing else. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Why an IPC event is refused, or null when it comes from our window's main frame at app://. */
export function senderRefusal(event: IpcEventLike, window: WindowLike | null): string | null {
  if (!window || window.isDestroyed()) return 'no Corral window is open';
  const contents = window.webContents;
  if (event.sender.id !== contents.id) return 'the sender is not the Corral window';
  const frame = event.senderFrame;
  // Null when the frame navigated or was destroyed after sending: it can no longer be trusted.
  if (!frame) return 'the sending frame is gone';
  const main = contents.mainFrame;
  if (
    frame.parent !== null ||
    frame.processId !== main.processId ||
    frame.routingId !== main.routingId
  )
    return 'the sender is not the main frame of the Corral window';
  if (!isAppUrl(frame.url)) return `the sending page is not an ${APP_SCHEME}:// page of Corral`;
  return null;
}
