// `corral serve [--port N] [--no-open] [--workspace DIR]`: the desktop window's UI in a browser
// tab, for headless machines and tests (contracts section 3). Listens on 127.0.0.1 only, prints
// one URL carrying this launch's token, and on Ctrl-C stops every extension cleanly and flushes
// the audit log before it exits. The address goes out as soon as the host's state is open and the
// server listens; the running side of the host (host.ts and most of the contract) is loaded and
// built after it, while the browser loads the page (docs/startup.md).
import { spawn } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIO } from './io.ts';
import { command } from './command.ts';
import { serveSpec } from './specs.ts';
import type { HostService } from '../service/host-service.ts';
import { openHostState, type HostState } from '../service/host-state.ts';
import { findRendererDir } from '../service/renderer-path.ts';
import { startServing } from '../service/serve.ts';
import { SettingsError } from '../service/settings.ts';
import { ServiceError } from '../service/services.ts';
import { StateError } from '../manager/state-db.ts';

export const serveCommand = command(serveSpec, async ({ options }, io, services) => {
  const port = options.port ?? 0;
  let workspace: string | null = null;
  if (options.workspace !== undefined) {
    try {
      workspace = realpathSync(resolve(io.cwd, options.workspace));
      if (!statSync(workspace).isDirectory()) throw new Error('not a folder');
    } catch {
      io.stderr(
        `corral serve: --workspace ${options.workspace} is not an existing folder; fix: give the folder extensions should see as \${workspace}\n`,
      );
      return 2;
    }
  }
  const rendererDir = findRendererDir();
  if (!rendererDir) {
    io.stderr(
      'corral serve: the window is not built; fix: run "npm run build" in the Corral folder\n',
    );
    return 1;
  }

  let state: HostState;
  try {
    state = openHostState({ env: io.env, shell: 'serve', services, workspace });
  } catch (e) {
    if (e instanceof ServiceError || e instanceof StateError || e instanceof SettingsError) {
      io.stderr(`corral serve: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  // Built below, once the address is out; until then the server holds WebSocket upgrades.
  let build!: (host: Promise<HostService>) => void;
  const host = new Promise<HostService>((resolve) => (build = resolve));
  let serving;
  try {
    serving = await startServing({
      host,
      rendererDir,
      port,
      audit: (event) => services.audit(event),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.stderr(
      code === 'EADDRINUSE'
        ? `corral serve: port ${port} is in use; fix: give another --port, or leave it out to pick a free one\n`
        : `corral serve: cannot listen on 127.0.0.1:${port} (${code ?? (e as Error).message})\n`,
    );
    return 1;
  }
  io.stdout(`Corral is serving its window at:\n\n    ${serving.url}\n\n`);
  io.stderr('corral serve: open that address in a browser on this machine; Ctrl-C stops Corral\n');
  if (!options['no-open']) openBrowser(serving.url, io);
  build(import('../service/host.ts').then(({ hostOn }) => hostOn(state)));

  const failed = host.then(
    () => new Promise<never>(() => {}),
    (e: unknown) => e,
  );
  const stop = await Promise.race([io.untilSignal().then(() => null), failed]);
  if (stop !== null) {
    await serving.close();
    if (stop instanceof ServiceError || stop instanceof StateError) {
      io.stderr(`corral serve: ${stop.message}\n`);
      return 1;
    }
    throw stop;
  }
  io.stderr(
    'corral serve: stopping the extensions and closing the audit log… (Ctrl-C again stops at once)\n',
  );
  let hostNow: HostService | null = null;
  const slow = setTimeout(() => {
    const names = hostNow?.stopping() ?? [];
    const what = !hostNow
      ? "closing the window's connections"
      : `stopping ${names.length ? names.join(', ') : 'extensions'}`;
    io.stderr(`corral serve: still ${what}; Ctrl-C again stops at once\n`);
  }, 10_000);
  slow.unref();
  const stopped = (async () => {
    await serving.close();
    hostNow = await host;
    await hostNow.close();
    clearTimeout(slow);
    return 0;
  })();
  // A second Ctrl-C does not wait for extensions that take their time: the sandboxes die with
  // their helpers, and the audit store is still flushed and closed by the services root.
  const forced = io.untilSignal().then(() => {
    io.stderr('corral serve: stopping at once\n');
    return 130;
  });
  return Promise.race([stopped, forced]);
});

/** Asks the desktop to open `url`; without one (a headless machine), says how to open it. */
function openBrowser(url: string, io: CliIO): void {
  const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
  child.on('error', () =>
    io.stderr('corral serve: no desktop browser to open here; open the address above yourself\n'),
  );
  child.unref();
}
