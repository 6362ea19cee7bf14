// The long-lived host as every UI sees it (a corral serve tab, the desktop window): one call per
// contract method, the events pushed to each connected UI, and a clean shutdown. Both shells go
// through this one interface, so a tab and a window can never see different hosts.
import type { ContractResult, EventName, EventPayload } from '../contract/index.ts';

/** One connected UI: a browser tab of `corral serve`, or the desktop window. */
export interface UiSession {
  /** Random, one per connection. */
  id: string;
  shell: 'serve' | 'electron';
  /** Who answered, in audit events: "browser tab (127.0.0.1:51234)", "desktop window". */
  label: string;
  /**
   * What the shell itself can do for the host: the desktop window's native file dialog for
   * Install (`extensions.choosePackage`). A browser tab has none and uploads the file instead.
   */
  choosePackageFile?: () => Promise<string | null>;
}

/** Receives the pushed events for one connected UI. */
export type EventSink = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface HostService {
  /** Checks `method` and parses `input` with the contract's schema, runs it, answers as data. Never throws. */
  call(session: UiSession, method: string, input: unknown): Promise<ContractResult<unknown>>;
  /** Pushes every event to `sink` until the returned function is called. */
  connect(session: UiSession, sink: EventSink): () => void;
  /** Stops every extension (shutdown, then kill), then flushes and closes the audit store. */
  close(): Promise<void>;
  /** The names of the extensions whose stop has begun and not yet ended (for a slow close). */
  stopping(): string[];
}
