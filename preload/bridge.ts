// window.corral, built from the contract's names: one function per method, each bound to its own
// channel (the page can never name a channel), and one subscribe function per event, which hands
// the page the payload alone. ipcRenderer itself never reaches the page.
import type { CorralBridge, EventName, MethodName } from '../app/contract/index.ts';

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The contract's method and event names (METHOD_NAMES, EVENT_NAMES). */
export interface ContractNames {
  methods: readonly MethodName[];
  events: readonly EventName[];
}

/** Builds the object exposed as window.corral. */
export function buildBridge(ipc: IpcRendererLike, names: ContractNames): CorralBridge {
  const bridge: Record<string, unknown> = {};
  for (const method of names.methods) {
    const [domain, verb] = method.split('.') as [string, string];
    const group = (bridge[domain] ??= {}) as Record<string, unknown>;
    group[verb] = (input: unknown) => ipc.invoke(method, input);
  }
  for (const event of names.events) {
    bridge[event] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') {
        throw new TypeError(`window.corral.${event} needs a listener function`);
      }
      // The IpcRendererEvent stays here: its `sender` is ipcRenderer itself.
      const relay = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(event, relay);
      return () => {
        ipc.removeListener(event, relay);
      };
    };
  }
  return bridge as CorralBridge;
}
