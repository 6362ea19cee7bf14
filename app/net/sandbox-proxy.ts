// The network path for unmodified tools: the allowlisting proxy (app/net/proxy.ts) accepting on
// 127.0.0.1:PROXY_PORT inside the sandbox's own network namespace, a listening socket the helper
// makes there and hands over (launcher's onProxyListener), and the environment that points
// HTTP(S)_PROXY at it. Nothing of the helper carries the bytes.
import { closeSync } from 'node:fs';
import type { AuditEventInput } from '../audit-event/event.ts';
import type { Decider } from '../policy/decide.ts';
import { startProxy, type RunningProxy } from './proxy.ts';
import type { ConsentHook } from './vetted-connect.ts';

/** The port tools inside the sandbox reach the proxy on (the conventional proxy port). */
export const PROXY_PORT = 3128;

export interface SandboxProxy {
  /** The plan's proxyListener: where tools inside reach the proxy. */
  listener: { port: number };
  env: Record<string, string>;
  /** Starts accepting on the listening socket the helper handed over (and owns it from then). */
  adopt(fd: number): void;
  close(): Promise<void>;
}

/**
 * The proxy for one sandbox. `decider` is called per connection, so a grant revoked while the
 * sandbox runs is refused from the next connection on.
 */
export async function startSandboxProxy(o: {
  ext: string;
  decider: () => Decider;
  audit: (event: AuditEventInput) => void;
  /** Asks the user about an optional grant, as net/fetch does (absent: refused, 403). */
  consent?: ConsentHook;
}): Promise<SandboxProxy> {
  let running: Promise<RunningProxy | null> | null = null;
  let closed = false;
  const url = `http://127.0.0.1:${PROXY_PORT}`;
  return {
    listener: { port: PROXY_PORT },
    // curl reads a plain-HTTP proxy only from the lower-case name; others read the upper-case one.
    env: { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url },
    adopt(fd) {
      if (closed || running) {
        closeSync(fd); // too late, or a second one: nobody will accept on it
        return;
      }
      running = startProxy({
        listen: { fd },
        decider: (request) => o.decider()(request),
        ext: o.ext,
        onAudit: o.audit,
        ...(o.consent ? { consent: o.consent } : {}),
      }).catch((e: unknown) => {
        closeSync(fd);
        o.audit({
          ext: o.ext,
          layer: 'host',
          kind: 'net',
          op: 'listen',
          target: `127.0.0.1:${PROXY_PORT}`,
          outcome: 'failed',
          reason: `the proxy did not start: ${e instanceof Error ? e.message : String(e)}`,
        });
        return null;
      });
    },
    async close() {
      closed = true;
      await (await running)?.close();
    },
  };
}
