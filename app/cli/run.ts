// `corral run DIR [--workspace DIR] [--command ID] [--args JSON] [--audit FILE]`: runs an unpacked
// extension in its sandbox and, with --command, one of its commands (contracts section 3).
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { createRunFolder, removeRunFolder } from '../platform/run-folder.ts';
import { join, resolve } from 'node:path';
import type { CliIO } from './io.ts';
import { parseOptions } from './options.ts';
import { terminalPrompts } from './terminal-prompt.ts';
import { openJsonlSink, type AuditSink } from '../audit/jsonl-sink.ts';
import { AuditStoreError, openAuditStore } from '../audit/store.ts';
import { startMonitor, type Monitor } from '../metrics/monitor.ts';
import { userDirectories } from '../platform/user-dirs.ts';
import { findHelper } from '../sandbox/helper-path.ts';
import { ExtensionError, loadExtension } from '../runtime/extension-package.ts';
import { openInstalledRun, type InstalledRun } from '../manager/installed-extension.ts';
import { ExtensionRunner } from '../runtime/extension-runner.ts';
import { IpcBus } from '../runtime/ipc-bus.ts';
import { runtimeSupport } from '../runtime/runtime-support.ts';
import { createNetFetcher } from '../runtime/net-fetch.ts';
import { corralDataDir, defaultAuditStore } from '../platform/corral-dirs.ts';

const USAGE = 'corral run DIR [--workspace DIR] [--command ID] [--args JSON] [--audit FILE]';

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseOptions(argv, ['workspace', 'command', 'args', 'audit'] as const, USAGE);
  if (!parsed.ok) return fail(io, parsed.error, 2);
  const [dir, ...extra] = parsed.positional;
  if (!dir || extra.length > 0)
    return fail(io, `give exactly one extension folder; usage: ${USAGE}`, 2);
  const { workspace: workspaceArg, command, args: argsJson, audit: auditFile } = parsed.options;
  let args: unknown[] = [];
  if (argsJson !== undefined) {
    try {
      const value: unknown = JSON.parse(argsJson);
      if (!Array.isArray(value)) throw new Error('not an array');
      args = value;
    } catch {
      return fail(io, `--args must be a JSON array, e.g. --args '["notes.md"]'`, 2);
    }
  }
  const helper = findHelper();
  if (!helper)
    return fail(
      io,
      'the sandbox helper is not built; fix: run "npm install" in the Corral folder',
      125,
    );

  let extension;
  let installed: InstalledRun | null = null;
  try {
    // DIR is an unpacked extension's folder, or the id of an installed one (corral install).
    installed = await openInstalledRun(dir, io.cwd, io.env);
    extension = installed?.extension ?? (await loadExtension(dir, io.cwd));
  } catch (e) {
    if (e instanceof ExtensionError) return fail(io, e.message, 1);
    throw e;
  }
  let workspace: string | null = null;
  if (workspaceArg !== undefined) {
    try {
      workspace = realpathSync(resolve(io.cwd, workspaceArg));
      if (!statSync(workspace).isDirectory()) throw new Error();
    } catch {
      return fail(
        io,
        `--workspace ${workspaceArg} is not an existing folder; fix: give the folder to open`,
        2,
      );
    }
  }
  if (
    command !== undefined &&
    !extension.manifest.contributes?.commands?.some((c) => c.id === command)
  ) {
    const known = extension.manifest.contributes?.commands?.map((c) => c.id).join(', ') || 'none';
    return fail(
      io,
      `${extension.manifest.id} has no command "${command}" (it contributes: ${known})`,
      2,
    );
  }

  // The audit store by default (queryable, hash-chained: corral log); --audit FILE appends JSON
  // lines instead, as corral exec does.
  const logFile = auditFile ? resolve(io.cwd, auditFile) : defaultAuditStore(io.env);
  let audit: AuditSink;
  let monitor: Monitor | undefined;
  try {
    if (auditFile) {
      mkdirSync(join(logFile, '..'), { recursive: true, mode: 0o700 });
      audit = openJsonlSink(logFile);
    } else {
      const store = openAuditStore(logFile);
      audit = store;
      // Resource use sampled from the sandbox and alert rules (denial bursts, first-seen access,
      // sustained CPU), recorded in the store and shown here.
      monitor = startMonitor(store, {
        onAlert: (a) => io.stderr(`corral run: alert: ${a.reason}\n`),
      });
    }
  } catch (e) {
    return fail(
      io,
      e instanceof AuditStoreError
        ? e.message
        : `cannot open the audit log ${logFile} (${e instanceof Error ? e.message : String(e)}); fix: choose a writable file with --audit FILE`,
      125,
    );
  }
  const tmp = createRunFolder('corral-ext');
  const name = extension.manifest.name;
  const host = new ExtensionRunner({
    extension,
    workspace,
    helper,
    dataDir: join(corralDataDir(io.env), 'data', extension.manifest.id),
    tmpDir: join(tmp, 'tmp'),
    vars: userDirectories(io.env),
    audit: (event) => audit.record(event),
    prompts: terminalPrompts(process.stdin, process.stderr),
    ipc: new IpcBus(),
    net: createNetFetcher(),
    runtimeSupport: runtimeSupport(extension.manifest.runtime),
    onAllowedAlways: installed?.onAllowedAlways,
    onLog: (level, message) => io.stderr(`[${name}] ${level}: ${message}\n`),
    onOutput: (stream, line) =>
      io.stderr(`[${name}] ${stream === 'stdout' ? '' : 'stderr: '}${line}\n`),
    onState: (state, why) => {
      if (state === 'ready' && host.pid !== undefined)
        monitor?.watchProcess(extension.manifest.id, host.pid);
      // With --command the failed command's own line says how the extension ended; there is no
      // restart to announce, since corral run stops once the command is answered.
      if (command === undefined && (state === 'crashed' || state === 'disabled'))
        io.stderr(`corral run: ${name} ${state}: ${why}\n`);
    },
  });
  try {
    await host.start();
    installed?.watch(
      host,
      (why) => {
        io.stderr(`corral run: ${name} stopped: ${why}\n`);
        void host.stop();
        process.emit('SIGTERM');
      },
      (line) => io.stderr(`corral run: ${name}: ${line}\n`),
    );
    if (command !== undefined) {
      const result = await host.execute(command, args);
      io.stdout(JSON.stringify(result ?? null, null, 2) + '\n');
      return 0;
    }
    io.stderr(
      `corral run: ${name} ${extension.manifest.version} is running; Ctrl-C stops it (audit log: ${logFile})\n`,
    );
    await new Promise<void>((done) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
    });
    return 0;
  } catch (e) {
    return fail(io, e instanceof Error ? e.message : String(e), 1);
  } finally {
    installed?.close();
    await host.stop();
    monitor?.close();
    try {
      audit.close();
    } catch (e) {
      io.stderr(`corral run: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    // Never throws: what the extension left (even a folder it locked) must not change the status.
    const failed = removeRunFolder(tmp);
    if (failed) io.stderr(`corral run: ${failed}; the next corral run removes it\n`);
  }
}

function fail(io: CliIO, message: string, code: number): number {
  io.stderr(`corral run: ${message}\n`);
  return code;
}
