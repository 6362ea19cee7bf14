// The broker: every call an extension makes is validated (zod), decided by the policy, carried out
// by the host and audited with its timing (contracts sections 4 and 5). One broker per extension.
import { isUtf8 } from 'node:buffer';
import type { AuditEventInput } from '../audit-event/event.ts';
import {
  checkParams,
  isExtensionCall,
  methods,
  type ProtocolVersion,
  type ExtensionCall,
  type ExtensionCallHandlers,
  type NetFetchParams,
  type NetFetchResult,
  type ParamsOf,
  type ResultOf,
} from '../protocol/methods.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { FrameError } from '../protocol/envelope.ts';
import { canonicalHost } from '../policy/host-names.ts';
import type { Decider, Decision } from '../policy/decide.ts';
import { closeSync } from 'node:fs';
import {
  FsAccessError,
  listFolder,
  openFile,
  readFile,
  statPath,
  writeFile,
  type FsGrantCheck,
} from './fs-access.ts';
import type { GrantState } from './grant-state.ts';
import type { IpcBus } from './ipc-bus.ts';
import type { ConsentAsker } from './consent-asker.ts';
import { FloodGuard, LOG_RATE, type LineRate } from './flood-guard.ts';
import { RpcFailure } from './rpc-peer.ts';
import { TokenBucket } from './rate-limit.ts';
import { matchOptionalGrants, describeRequest } from './optional-grants.ts';
import type { PathVariables } from '../policy/variables.ts';
import type { Permissions } from '../policy/manifest.ts';

/** host:port as the policy allowed it, and the decider that allowed it (for address vetting). */
export interface FetchTarget {
  host: string;
  port: number;
  decider: Decider;
}

export interface NetFetcher {
  /** Carries out an allowed fetch: resolves once, vets the address, connects to exactly it. */
  fetch(params: NetFetchParams, target: FetchTarget): Promise<NetFetchResult>;
}

/** Hands an extension an open descriptor (protocol version 2's file socket). */
export interface DescriptorSender {
  /** Sends `fd` (the caller keeps and closes its own) tagged with `handle`; throws on failure. */
  send(fd: number, handle: number): void;
}

export interface BrokerOptions {
  ext: { id: string; name: string };
  grants: GrantState;
  vars: PathVariables;
  audit: (event: AuditEventInput) => void;
  /**
   * Asks the user about optional grants: one rule for SDK calls and proxied tools alike
   * (consent-asker.ts, shared with the proxy); closed with the broker.
   */
  asker: ConsentAsker;
  ipc: IpcBus;
  net: NetFetcher;
  /** Where the extension's `log` notifications go. */
  log: (level: string, message: string) => void;
  /** Delivers an ipc/message to this extension (false when dropped). */
  deliver: (channel: string, message: unknown) => boolean;
  rate: { perSecond: number; burst: number };
  /** `log` notifications shown per second (flood-guard.ts); default LOG_RATE. */
  logRate?: LineRate;
  /** Corral's own line about this extension (log lines cut), never shown as the extension's. */
  notice: (message: string) => void;
  /** The version this run speaks (1 until the extension took another in its initialize answer). */
  protocolVersion: () => ProtocolVersion;
  /** Where fs/open's descriptors go; without it fs/open answers -32603. */
  files?: DescriptorSender;
  /**
   * `corral dev --learn` only: a request production refuses (not declared optional) is recorded
   * and, when this answers true, granted for the session with a reason that says so.
   */
  undeclaredRequest?: (requested: Permissions, refusal: string) => boolean;
}

export interface Broker {
  onRequest(method: string, params: unknown): Promise<unknown>;
  onNotification(method: string, params: unknown): void;
  onFrameError(error: FrameError): void;
  onDropped(method: string): void;
  /** Flushes counted events (rate-limit refusals, dropped messages, log lines cut) into the audit log. */
  flush(): void;
  /** The extension's run ended: withdraws its open questions. */
  close(): void;
}

type Kind = AuditEventInput['kind'];

export function createBroker(o: BrokerOptions): Broker {
  const bucket = new TokenBucket(o.rate.perSecond, o.rate.burst);
  const logs = new FloodGuard({
    ext: o.ext.id,
    what: 'log',
    rate: o.logRate ?? LOG_RATE,
    audit: o.audit,
    notice: o.notice,
  });
  const counted = new Map<string, number>(); // reason → count, flushed as one event each
  let nextHandle = 1; // fs/open's tags: which descriptor on the file socket answers which call

  const audit = (
    kind: Kind,
    op: string,
    target: string,
    verdict: 'allow' | 'deny' | Verdict,
    reason: string,
    started?: number,
  ) =>
    o.audit({
      ext: o.ext.id,
      layer: 'broker',
      kind,
      op,
      target,
      ...(typeof verdict === 'string' ? { decision: verdict } : verdict),
      reason,
      ...(started === undefined
        ? {}
        : { durationUs: Math.round((performance.now() - started) * 1000) }),
    });

  const denied = (message: string) =>
    new RpcFailure(ErrorCode.PermissionDenied, `permission denied: ${message}`, {
      reason: message,
    });

  /** Settles a `prompt` decision with the user (consent-asker.ts: audited, "always" recorded). */
  const settlePrompt = (d: Decision, kind: Kind, op: string, target: string, question: string) =>
    o.asker.settle(d, { kind, op, target }, question);

  const fsCheck: FsGrantCheck = {
    decider: () => o.grants.decider(),
    ask: async (fsOp, path, reason) => {
      const d = await settlePrompt(
        { decision: 'prompt', reason },
        'fs',
        fsOp,
        path,
        `${o.ext.name} wants to ${fsOp === 'write' ? 'change' : 'read'} ${path}.`,
      );
      return d.decision === 'allow';
    },
  };

  async function fsCall<T extends { reason: string }>(
    op: string,
    path: string,
    run: () => Promise<T>,
  ): Promise<Omit<T, 'reason'>> {
    const started = performance.now();
    try {
      const { reason, ...result } = await run();
      audit('fs', op, path, 'allow', reason, started);
      return result;
    } catch (e) {
      if (!(e instanceof FsAccessError)) throw e;
      audit('fs', op, path, afterRefusal(e.code), e.reason, started);
      throw new RpcFailure(e.code, e.message);
    }
  }

  /** Decides an ipc call (asking the user for an optional grant); a refusal is audited and thrown. */
  async function ipcDecision(
    channel: string,
    direction: 'publish' | 'subscribe',
    started: number,
  ): Promise<Decision> {
    const verb = direction === 'publish' ? 'send messages on' : 'receive messages on';
    const d = await settlePrompt(
      o.grants.decider()({ kind: 'ipc', channel, direction }),
      'ipc',
      direction,
      channel,
      `${o.ext.name} wants to ${verb} "${channel}".`,
    );
    if (d.decision === 'allow') return d;
    audit('ipc', direction, channel, 'deny', d.reason, started);
    throw denied(d.reason);
  }

  const handlers: ExtensionCallHandlers = {
    'fs/read': async (p) =>
      fsCall('read', p.path, async () => {
        const { data, reason } = await readFile(fsCheck, p.path);
        if (p.encoding !== 'base64' && !isUtf8(data)) {
          throw new FsAccessError(
            ErrorCode.InvalidParams,
            `${p.path} is not UTF-8 text; read it with encoding "base64"`,
            reason,
          );
        }
        return { data: data.toString(p.encoding === 'base64' ? 'base64' : 'utf8'), reason };
      }),
    // Decided, audited and refused exactly as fs/read (the same event: op "read"); what differs is
    // how the bytes travel: a read-only descriptor on the file socket instead of JSON.
    'fs/open': async (p) => {
      const files = o.files;
      const handle = nextHandle++;
      const { size } = await fsCall('read', p.path, async () => {
        const { fd, size, reason } = await openFile(fsCheck, p.path);
        try {
          if (!files) throw new Error('this run has no file socket');
          files.send(fd, handle);
        } catch (e) {
          const code = (e as { code?: string }).code;
          throw new FsAccessError(
            code === 'EAGAIN' || code === 'ETOOMANYREFS'
              ? ErrorCode.LimitExceeded
              : ErrorCode.InternalError,
            `the descriptor of ${p.path} could not be sent (${code ?? (e as Error).message}); fix: take the descriptors already sent, or read it with fs/read`,
            reason,
          );
        } finally {
          closeSync(fd);
        }
        return { size, reason };
      });
      return { size, handle };
    },
    'fs/write': async (p) => {
      if (p.encoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(p.data)) {
        throw new RpcFailure(
          ErrorCode.InvalidParams,
          'invalid params for fs/write: data is not base64',
        );
      }
      const bytes = Buffer.from(p.data, p.encoding === 'base64' ? 'base64' : 'utf8');
      return fsCall('write', p.path, () => writeFile(fsCheck, p.path, bytes));
    },
    'fs/list': async (p) => fsCall('list', p.path, () => listFolder(fsCheck, p.path)),
    'fs/stat': async (p) => fsCall('stat', p.path, () => statPath(fsCheck, p.path)),

    'net/fetch': async (p) => {
      const started = performance.now();
      const url = new URL(p.url);
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      const host = canonicalHost(url.hostname)?.host ?? url.hostname;
      const target = `${host}:${port}`;
      let d = o.grants.decider()({ kind: 'net', host, port });
      d = await settlePrompt(
        d,
        'net',
        'fetch',
        target,
        `${o.ext.name} wants to connect to ${target}.`,
      );
      if (d.decision !== 'allow') {
        audit('net', 'fetch', target, 'deny', d.reason, started);
        throw denied(d.reason);
      }
      try {
        const result = await o.net.fetch(p, { host, port, decider: o.grants.decider() });
        audit('net', 'fetch', target, 'allow', `${d.reason}; HTTP ${result.status}`, started);
        return result;
      } catch (e) {
        const failure =
          e instanceof RpcFailure
            ? e
            : new RpcFailure(ErrorCode.InternalError, `fetch ${target} failed`);
        audit('net', 'fetch', target, afterRefusal(failure.code), failure.message, started);
        throw failure;
      }
    },

    'ipc/publish': async (p) => {
      const started = performance.now();
      const d = await ipcDecision(p.channel, 'publish', started);
      const delivered = o.ipc.publish(p.channel, p.message, o.ext.id);
      audit(
        'ipc',
        'publish',
        p.channel,
        'allow',
        `${d.reason}; delivered to ${delivered}`,
        started,
      );
      return {};
    },
    'ipc/subscribe': async (p) => {
      const started = performance.now();
      const d = await ipcDecision(p.channel, 'subscribe', started);
      o.ipc.subscribe(p.channel, {
        id: o.ext.id,
        deliver: (channel, message) => {
          // Re-checked at delivery: a revoked subscribe grant stops the flow at once.
          if (
            o.grants.decider()({ kind: 'ipc', channel, direction: 'subscribe' }).decision !==
            'allow'
          ) {
            o.ipc.unsubscribe(channel, o.ext.id);
            return;
          }
          o.deliver(channel, message);
        },
      });
      audit('ipc', 'subscribe', p.channel, 'allow', d.reason, started);
      return {};
    },

    'permissions/request': async (p) => {
      const started = performance.now();
      const match = matchOptionalGrants(o.grants.policy, p.permissions, o.vars);
      const target = describeRequest(p.permissions);
      if (!match.ok) {
        if (o.undeclaredRequest?.(p.permissions, match.reason)) {
          const why = `would be refused in production (${match.reason}); granted by corral dev --learn`;
          audit('permission', 'request', target, 'allow', why, started);
          return { granted: true };
        }
        audit('permission', 'request', target, 'deny', match.reason, started);
        return { granted: false };
      }
      if (match.labels.length === 0) {
        audit('permission', 'request', target, 'allow', 'already granted', started);
        return { granted: true };
      }
      const { granted, reason } = await o.asker.request(
        match.labels,
        `${o.ext.name} asks for more access: ${target}.`,
        target,
      );
      audit('permission', 'request', target, granted ? 'allow' : 'deny', reason, started);
      return { granted };
    },
  };

  /** Validates the params of one call and runs its handler, typed end to end by the method. */
  async function dispatch<M extends ExtensionCall>(method: M, raw: unknown): Promise<ResultOf<M>> {
    const checked = checkParams(method, raw);
    if (!checked.ok) {
      audit(kindOf(method), method, '-', FAILED, checked.error.message);
      throw new RpcFailure(checked.error.code, checked.error.message, checked.error.data);
    }
    const params: ParamsOf<M> = checked.value;
    return handlers[method](params);
  }

  return {
    async onRequest(method, params) {
      if (!bucket.take()) {
        count('rate limit: calls refused');
        throw new RpcFailure(
          ErrorCode.LimitExceeded,
          `rate limit: at most ${o.rate.perSecond} calls per second`,
        );
      }
      // A method newer than the version this run speaks does not exist for it (as in version 1).
      if (!isExtensionCall(method) || methods[method].since > o.protocolVersion()) {
        audit('process', method.slice(0, 64), '-', FAILED, 'unknown method');
        throw new RpcFailure(ErrorCode.MethodNotFound, `unknown method "${method.slice(0, 64)}"`);
      }
      return dispatch(method, params);
    },
    onNotification(method, params) {
      if (method === 'log') {
        // Log lines have a budget of their own: shown, or dropped and counted (flood-guard.ts).
        if (!logs.pass()) return;
        const checked = checkParams('log', params);
        if (checked.ok) o.log(checked.value.level, checked.value.message);
        else audit('process', 'log', '-', FAILED, checked.error.message);
        return;
      }
      // Any other notification shares the call budget: a flood of them is throttled like calls.
      if (!bucket.take()) return count('rate limit: notifications dropped');
      audit('process', method.slice(0, 64), '-', FAILED, 'unknown notification');
    },
    onFrameError(error) {
      count(`malformed frame: ${error.message.slice(0, 120)}`);
    },
    onDropped(method) {
      count(`${method} dropped: the extension does not read its socket`);
    },
    flush() {
      flushCounted();
      logs.flush();
    },
    close: () => o.asker.close(),
  };

  function count(reason: string): void {
    // The first of a kind is recorded at once; repeats are summed and flushed (never lost).
    const n = counted.get(reason);
    if (n === undefined) {
      protocolLimit(reason);
      counted.set(reason, 0);
    } else counted.set(reason, n + 1);
    if (counted.size > 100) flushCounted();
  }

  function flushCounted(): void {
    for (const [reason, n] of counted) {
      if (n > 0) protocolLimit(`${n} more × ${reason}`);
    }
    counted.clear();
  }

  function protocolLimit(reason: string): void {
    o.audit({
      ext: o.ext.id,
      layer: 'broker',
      kind: 'limit',
      op: 'protocol',
      target: '-',
      outcome: 'limit',
      reason,
    });
  }
}

/** What the audit says of a call: the policy's decision, what came of it, or both. */
type Verdict = Pick<AuditEventInput, 'decision' | 'outcome'>;

/** A call that is not a valid request (unknown method, bad params): no policy decision was made. */
const FAILED: Verdict = { outcome: 'failed' };

/**
 * The verdict of a call that failed with `code`: -32001 is a refusal (the policy's, or the file
 * system's); anything else failed after the policy allowed it (not found, too big, unreachable),
 * which is not a denial (audit event version 2).
 */
function afterRefusal(code: number): Verdict {
  if (code === ErrorCode.PermissionDenied) return { decision: 'deny' };
  return { decision: 'allow', outcome: code === ErrorCode.LimitExceeded ? 'limit' : 'failed' };
}

function kindOf(method: string): Kind {
  if (method.startsWith('fs/')) return 'fs';
  if (method.startsWith('net/')) return 'net';
  if (method.startsWith('ipc/')) return 'ipc';
  if (method.startsWith('permissions/')) return 'permission';
  return 'process';
}
