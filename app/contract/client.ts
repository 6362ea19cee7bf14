// The UI's typed view of the host: one function per method and one subscription per event, over
// any transport (Electron IPC through window.corral, or corral serve's WebSocket). Every result
// and event is parsed with the contract's schema before the UI sees it.
import { events, type EventName, type EventPayload } from './events.ts';
import { methods, type MethodInput, type MethodName, type MethodOutput } from './methods.ts';
import { fail, resultSchema, type ContractResult } from './wire.ts';

/** How calls and events travel; the client adds the types and the checks. */
export interface ContractTransport {
  /** Sends one call; resolves with the raw result envelope, never rejects on a host error. */
  call(method: MethodName, input: unknown): Promise<unknown>;
  /** Subscribes to one event's raw payloads; returns the unsubscribe. */
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

export type Domain = MethodName extends `${infer D}.${string}` ? D : never;
type MethodsOf<D extends Domain> = Extract<MethodName, `${D}.${string}`>;
type VerbOf<M extends MethodName> = M extends `${string}.${infer V}` ? V : never;

/** `client.extensions.list()`, `client.prompts.answer({ … })`, …: grouped by domain. */
export type CorralCalls = {
  [D in Domain]: {
    [M in MethodsOf<D> as VerbOf<M>]: (
      input: MethodInput<M>,
    ) => Promise<ContractResult<MethodOutput<M>>>;
  };
};

export type CorralEvents = {
  [E in EventName]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

/** What the renderer talks to. */
export type CorralClient = CorralCalls & CorralEvents;

/**
 * What the Electron preload exposes as `window.corral`: the same shape, one function per contract
 * entry, results not yet checked (the client checks them).
 */
export type CorralBridge = {
  [D in Domain]: { [M in MethodsOf<D> as VerbOf<M>]: (input: unknown) => Promise<unknown> };
} & { [E in EventName]: (listener: (payload: unknown) => void) => () => void };

/** The method name for a domain and verb, checked against the table. */
function methodName(domain: string, verb: string): MethodName {
  const name = `${domain}.${verb}`;
  if (!Object.hasOwn(methods, name)) throw new Error(`unknown contract method ${name}`);
  return name as MethodName;
}

/** Parses a raw result envelope and its value; a malformed one becomes an `internal` error. */
export function checkResult<M extends MethodName>(
  method: M,
  raw: unknown,
): ContractResult<MethodOutput<M>> {
  const envelope = resultSchema.safeParse(raw);
  if (!envelope.success) return fail('internal', `the host sent a malformed answer to ${method}`);
  if (!envelope.data.ok) return envelope.data;
  const value = methods[method].output.safeParse(envelope.data.value);
  if (!value.success)
    return fail('internal', `the host's answer to ${method} does not fit the contract`);
  return { ok: true, value: value.data as MethodOutput<M> };
}

/** Builds the typed client over a transport. */
export function createCorralClient(
  transport: ContractTransport,
  onBadEvent: (event: EventName, issue: string) => void = () => {},
): CorralClient {
  const client: Record<string, unknown> = {};
  for (const name of Object.keys(methods) as MethodName[]) {
    const [domain, verb] = name.split('.') as [string, string];
    const group = (client[domain] ??= {}) as Record<string, unknown>;
    group[verb] = async (input: unknown) =>
      checkResult(methodName(domain, verb), await transport.call(name, input));
  }
  for (const name of Object.keys(events) as EventName[]) {
    client[name] = (listener: (payload: unknown) => void) =>
      transport.subscribe(name, (raw) => {
        const parsed = events[name].safeParse(raw);
        if (parsed.success) listener(parsed.data);
        else onBadEvent(name, parsed.error.issues[0]?.message ?? 'malformed');
      });
  }
  return client as CorralClient;
}

/** A transport over the Electron preload's `window.corral`. */
export function bridgeTransport(bridge: CorralBridge): ContractTransport {
  const calls = bridge as unknown as Record<
    string,
    Record<string, (input: unknown) => Promise<unknown>>
  >;
  const subs = bridge as unknown as Record<string, (l: (p: unknown) => void) => () => void>;
  return {
    call: (method, input) => {
      const [domain, verb] = method.split('.') as [string, string];
      return calls[domain]![verb]!(input);
    },
    subscribe: (event, listener) => subs[event]!(listener),
  };
}
