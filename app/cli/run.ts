// `corral run DIR [--workspace DIR] [--command ID] [--args JSON] [--audit FILE]`: runs an unpacked
// extension in its sandbox and, with --command, one of its commands (contracts section 3).
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIO } from './io.ts';
import { command as cliCommand } from './command.ts';
import { runSpec } from './specs.ts';
import { terminalPrompts } from './terminal-prompt.ts';
import { openJsonlSink, type AuditSink } from '../audit/jsonl-sink.ts';
import { startMonitor, type Monitor } from '../metrics/monitor.ts';
import { ConfineError } from '../sandbox/confine.ts';
import { ExtensionError, loadExtension } from '../runtime/extension-package.ts';
import {
  looksLikeInstalledId,
  openInstalledRun,
  type InstalledRun,
} from '../manager/installed-extension.ts';
import { ServiceError } from '../service/services.ts';
import { wireRunner } from '../service/extension-runners.ts';
import { exitWitness } from '../runtime/exit-diagnosis.ts';
import { extensionDataDir } from '../platform/corral-dirs.ts';
import { userDirectories } from '../platform/user-dirs.ts';
import { failureText } from './extension-failure.ts';
import { sanitizeTerminalText } from '../terminal/sanitize.ts';

export const runCommand = cliCommand(runSpec, async ({ options, positionals }, io, services) => {
  const dir = positionals.target;
  const { workspace: workspaceArg, command, audit: auditFile } = options;
  const args = options.args ?? [];
  let extension;
  let installed: InstalledRun | null = null;
  try {
    services.sandbox(); // a missing helper is said before anything else
    // DIR is an unpacked extension's folder, or the id of an installed one (corral install).
    installed = looksLikeInstalledId(dir, io.cwd)
      ? await openInstalledRun(services.manager(), dir)
      : null;
    extension = installed?.extension ?? (await loadExtension(dir, io.cwd));
  } catch (e) {
    if (e instanceof ConfineError) return fail(io, e.message, 125);
    if (e instanceof ExtensionError || e instanceof ServiceError) return fail(io, e.message, 1);
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
  let audit: AuditSink;
  let monitor: Monitor | undefined;
  let logFile: string;
  try {
    if (auditFile) {
      logFile = resolve(io.cwd, auditFile);
      mkdirSync(join(logFile, '..'), { recursive: true, mode: 0o700 });
      audit = openJsonlSink(logFile);
    } else {
      const store = services.auditStore();
      logFile = store.path;
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
      e instanceof ServiceError
        ? e.message
        : `cannot open the audit log ${auditFile} (${e instanceof Error ? e.message : String(e)}); fix: choose a writable file with --audit FILE`,
      125,
    );
  }
  const name = extension.manifest.name;
  // What the extension said last and what the sandbox reported: why it went away, if it does.
  // (Set-up errors name grants by their real path; the run's own ${tmp} is never one of them.)
  const witness = exitWitness(extension.manifest, extension.policy, {
    ...userDirectories(io.env),
    workspace,
    extensionData: extensionDataDir(io.env, extension.manifest.id),
    tmp: tmpdir(),
  });
  // Until the extension is ready, how a failed start ended is said by its failure line, once.
  let started = false;
  const { runner: host, dispose } = wireRunner(services, {
    extension,
    workspace,
    audit: (event) => {
      witness.audit(event);
      audit.record(event);
    },
    prompts: terminalPrompts(io.stdin, io.stderr),
    onAllowedAlways: installed?.onAllowedAlways,
    // What the extension says reaches the person's terminal through the terminal filter
    // (app/terminal/sanitize.ts): colours pass; titles, OSC 52 and answer-backs never do. Its
    // stdio are pipes of Corral's, never the person's terminal, and stdin is the prompts' own.
    onLog: (level, message) => io.stderr(`[${name}] ${level}: ${sanitizeTerminalText(message)}\n`),
    onOutput: (stream, line) => {
      witness.output(stream, line);
      io.stderr(
        `[${name}] ${stream === 'stdout' ? '' : 'stderr: '}${sanitizeTerminalText(line)}\n`,
      );
    },
    // Corral's own words about the output (lines cut in a flood), never shown as the extension's.
    onNotice: (message) => io.stderr(`corral run: ${name}: ${message}\n`),
    onState: (state, why) => {
      if (state === 'ready' && host.pid !== undefined)
        monitor?.watchProcess(extension.manifest.id, host.pid);
      // With --command the failed command's own line says how the extension ended; there is no
      // restart to announce, since corral run stops once the command is answered. A failed start
      // is not restarted either: corral run ends with its line (the cause and fix).
      if (command === undefined && started && (state === 'crashed' || state === 'disabled'))
        io.stderr(`corral run: ${name} ${state}: ${why}\n`);
    },
  });
  try {
    await host.start();
    started = true;
    // Disabled, quarantined or uninstalled meanwhile (by the app, another corral): it ends here.
    const stoppedElsewhere = new Promise<void>((done) =>
      installed?.watch(
        host,
        (why) => {
          io.stderr(`corral run: ${name} stopped: ${why}\n`);
          void host.stop();
          done();
        },
        (line) => io.stderr(`corral run: ${name}: ${line}\n`),
      ),
    );
    if (command !== undefined) {
      const result = await host.execute(command, args);
      io.stdout(JSON.stringify(result ?? null, null, 2) + '\n');
      return 0;
    }
    io.stderr(
      `corral run: ${name} ${extension.manifest.version} is running; Ctrl-C stops it (audit log: ${logFile})\n`,
    );
    await Promise.race([io.untilSignal(), stoppedElsewhere]);
    return 0;
  } catch (e) {
    return fail(io, failureText(e, witness), 1);
  } finally {
    installed?.close();
    const failed = await dispose();
    if (failed) io.stderr(`corral run: ${failed}; the next corral run removes it\n`);
    monitor?.close();
    try {
      if (auditFile) audit.close();
    } catch (e) {
      io.stderr(`corral run: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
});

function fail(io: CliIO, message: string, code: number): number {
  io.stderr(`corral run: ${message}\n`);
  return code;
}
