// The IPC table: one ipcMain.handle per contract method, each checking the sender, parsing the
// input with the contract's schema, then calling the host service; and the sink that pushes the
// host's events to our window only. Errors cross as data, never as a rejected invoke.
import type { z } from 'zod';
import {
  METHOD_NAMES,
  fail,
  methods,
  type ContractResult,
  type EventName,
  type EventPayload,
  type MethodName,
} from '../app/contract/index.ts';
import type { EventSink, HostService, UiSession } from '../app/service/host-service.ts';
import { isAppUrl, senderRefusal, type IpcEventLike, type WindowLike } from './sender-check.ts';

/** A contract call as it arrives from the preload: the event, then exactly one argument. */
export type ContractHandler = (
  event: IpcEventLike,
  ...args: unknown[]
) => Promise<ContractResult<unknown>>;

/** The part of ipcMain the table uses. */
export interface IpcMainLike {
  handle(channel: string, listener: ContractHandler): void;
}

export interface IpcTableOptions {
  host: Pick<HostService, 'call'>;
  session: UiSession;
  /** Our one window, or null while there is none. */
  window: () => WindowLike | null;
  /** Told about every refused call (a wrong sender), so it is recorded. */
  onRefused: (method: MethodName, reason: string) => void;
  /** Told about a host that broke its promise never to throw. */
  onFault: (method: MethodName, error: unknown) => void;
}

/** One line naming the field and what it must be, e.g. `extensions.get: id: an extension id`. */
export function inputProblem(method: MethodName, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${method}: the input does not fit the contract`;
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return `${method}: ${where}${issue.message}`;
}

/** The handler of one method: sender check, input parsing, then the host. */
export function contractHandler(method: MethodName, o: IpcTableOptions): ContractHandler {
  const schema = methods[method].input;
  return async (event, ...args) => {
    const refusal = senderRefusal(event, o.window());
    if (refusal !== null) {
      o.onRefused(method, refusal);
      return fail('refused', `Corral refused ${method}: ${refusal}.`);
    }
    // The preload passes exactly one argument; anything else did not come through it.
    if (args.length !== 1) {
      return fail('invalid-input', `${method} takes one argument, not ${args.length}`);
    }
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) return fail('invalid-input', inputProblem(method, parsed.error));
    try {
      return await o.host.call(o.session, method, parsed.data);
    } catch (error) {
      o.onFault(method, error);
      return fail('internal', `${method} failed inside Corral; its log has the detail`);
    }
  };
}

/** Registers one handler per contract method, on the channel named like the method. */
export function registerContractHandlers(ipcMain: IpcMainLike, o: IpcTableOptions): MethodName[] {
  for (const method of METHOD_NAMES) ipcMain.handle(method, contractHandler(method, o));
  return [...METHOD_NAMES];
}

/** The parts of our BrowserWindow the event sink uses. */
export interface EventTargetWindow {
  isDestroyed(): boolean;
  readonly webContents: { getURL(): string; send(channel: string, payload: unknown): void };
}

/**
 * The host's events, pushed to our window alone (never broadcast), and only while it shows our
 * app:// page; `observe` sees every event too (the tray badge, notifications).
 */
export function windowEventSink(
  window: () => EventTargetWindow | null,
  observe: <E extends EventName>(name: E, payload: EventPayload<E>) => void = () => {},
): EventSink {
  return (name, payload) => {
    observe(name, payload);
    const target = window();
    if (!target || target.isDestroyed() || !isAppUrl(target.webContents.getURL())) return;
    target.webContents.send(name, payload);
  };
}
