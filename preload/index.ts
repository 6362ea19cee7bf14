// The preload of Corral's window (sandboxed, context-isolated): exposes window.corral and nothing
// else. The contract's names are written in at build time (scripts/build-electron.ts, from
// METHOD_NAMES and EVENT_NAMES), so the preload carries no schema code: it only forwards, and
// main checks every input.
import { contextBridge, ipcRenderer } from 'electron';
import type { EventName, MethodName } from '../app/contract/index.ts';
import { buildBridge } from './bridge.ts';

declare const CORRAL_METHOD_NAMES: readonly MethodName[];
declare const CORRAL_EVENT_NAMES: readonly EventName[];

contextBridge.exposeInMainWorld(
  'corral',
  buildBridge(ipcRenderer, { methods: CORRAL_METHOD_NAMES, events: CORRAL_EVENT_NAMES }),
);
