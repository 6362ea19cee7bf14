// The network path for unmodified tools: an allowlisting proxy on a private unix socket of the
// host (app/net/proxy.ts), which the helper relays to 127.0.0.1:PROXY_PORT inside the sandbox's
// network namespace, and the environment that points HTTP(S)_PROXY there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEventInput } from '../audit-event/event.ts';
import type { Decider } from '../policy/decide.ts';
import { startProxy } from './proxy.ts';

/** The port tools inside the sandbox reach the proxy on (the conventional proxy port). */
export const PROXY_PORT = 3128;

export interface SandboxProxy {
  relay: { port: number; socketPath: string };
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the proxy for one sandbox. `decider` is called per connection, so a grant revoked while
 * the sandbox runs is refused from the next connection on. The socket lives in a fresh 0700 folder
 * outside every grant (the helper refuses one the command could replace).
 */
export async function startSandboxProxy(o: {
  ext: string;
  decider: () => Decider;
  audit: (event: AuditEventInput) => void;
}): Promise<SandboxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-proxy-'));
  const socketPath = join(dir, 'proxy.sock');
  const proxy = await startProxy({
    listen: { path: socketPath },
    decider: (request) => o.decider()(request),
    ext: o.ext,
    onAudit: o.audit,
  });
  const url = `http://127.0.0.1:${PROXY_PORT}`;
  return {
    relay: { port: PROXY_PORT, socketPath },
    // curl reads a plain-HTTP proxy only from the lower-case name; others read the upper-case one.
    env: { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url },
    async close() {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
