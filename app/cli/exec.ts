// `corral exec`: runs any command in a sandbox built from a policy file (contracts section 3).
// Exit status: the command's own, 125 when the sandbox could not be set up, 128+N for signal N.
import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STOP_SIGNALS, type CliIO } from './io.ts';
import { command } from './command.ts';
import { execSpec } from './specs.ts';
import { parsePolicyDocument, type PolicyInput } from '../policy/manifest.ts';
import { formatPolicyErrors } from '../policy/errors.ts';
import { pathVariables } from '../platform/user-dirs.ts';
import { CommandError, resolveCommand } from '../sandbox/command.ts';
import { confine, ConfineError, exitOutcome } from '../sandbox/confine.ts';
import { createRunFolder, removeRunFolder } from '../platform/run-folder.ts';
import { corralDataDir } from '../platform/corral-dirs.ts';
import { openJsonlSink, type AuditSink } from '../audit/jsonl-sink.ts';
import type { AuditEventInput } from '../audit-event/event.ts';
import { limitMessage } from '../sandbox/status-audit.ts';
import type { Services } from '../service/services.ts';
import { relayCallerTerminal } from '../terminal/relay.ts';

/** The exit status for "the sandbox could not be set up; nothing was run". */
export const SETUP_FAILED = 125;

class SetupError extends Error {}

export const execCommand = command(execSpec, async ({ options, trailing }, io, services) => {
  const args = {
    policy: options.policy ?? null,
    workspace: options.workspace ?? null,
    audit: options.audit ?? null,
    command: trailing,
  };
  let audit: AuditSink | null = null;
  if (args.audit) {
    try {
      audit = openJsonlSink(args.audit);
    } catch (e) {
      io.stderr(
        `corral exec: cannot append to the audit log ${args.audit} (${errText(e)}); fix: choose a writable file\n`,
      );
      return SETUP_FAILED;
    }
  }
  const record = (event: AuditEventInput) => audit?.record(event);
  const cleanups: (() => void)[] = [];
  let ext = 'exec';
  try {
    const loaded = loadPolicy(args.policy, io.cwd);
    ext = loaded.ext;
    return await runConfined(args.command, args.workspace, loaded, io, services, record, cleanups);
  } catch (e) {
    if (e instanceof ConfineError) {
      io.stderr(`corral exec: ${e.message}\n`); // the pipeline audited it
      return SETUP_FAILED;
    }
    if (!(e instanceof SetupError || e instanceof CommandError)) throw e;
    io.stderr(`corral exec: ${e.message}\n`);
    record({
      ext,
      layer: 'host',
      kind: 'lifecycle',
      op: 'start',
      target: args.command.join(' '),
      outcome: 'failed',
      reason: `sandbox not set up: ${e.message}`,
    });
    return SETUP_FAILED;
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
    audit?.close();
  }
});

interface LoadedPolicy {
  ext: string;
  policy: PolicyInput;
}

function loadPolicy(file: string | null, cwd: string): LoadedPolicy {
  if (file === null)
    return { ext: 'exec', policy: { permissions: {}, optionalPermissions: {}, limits: {} } };
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new SetupError(
      `cannot read the policy ${file} (${errText(e)}); fix: give a readable manifest or policy file`,
    );
  }
  const doc = parsePolicyDocument(text, file);
  if (!doc.ok) throw new SetupError(formatPolicyErrors(file, doc.errors));
  // Nobody can be asked for an optional permission here, so none is ever granted.
  const policy = { ...doc.policy, optionalPermissions: {} };
  return { ext: doc.kind === 'manifest' ? doc.value.id : 'exec', policy };
}

async function runConfined(
  command: string[],
  workspaceArg: string | null,
  loaded: LoadedPolicy,
  io: CliIO,
  services: Services,
  audit: (event: AuditEventInput) => void,
  cleanups: (() => void)[],
): Promise<number> {
  const sandbox = services.sandbox();
  const workspace = workspaceArg === null ? null : realFolder(workspaceArg, io.cwd, '--workspace');
  // Swept at the next start if corral is killed; removed without ever changing the exit status.
  const runTmp = createRunFolder('corral-run');
  cleanups.push(() => {
    const failed = removeRunFolder(runTmp);
    if (failed) io.stderr(`corral exec: ${failed}; the next corral run removes it\n`);
  });
  const vars = pathVariables({
    workspace,
    extensionData:
      loaded.ext === 'exec'
        ? join(runTmp, 'data')
        : join(corralDataDir(io.env), 'data', loaded.ext),
    tmp: join(runTmp, 'tmp'),
    env: io.env,
  });
  mkdirSync(vars.extensionData, { recursive: true, mode: 0o700 });
  mkdirSync(vars.tmp, { mode: 0o700 });
  vars.tmp = realpathSync(vars.tmp);

  const target = command.join(' ');
  const started = process.hrtime.bigint();
  // The person's terminal stays theirs: the command gets a pty of Corral's, or filtered pipes.
  let interrupt: (signal: NodeJS.Signals) => void = () => {};
  const relay = relayCallerTerminal({
    terminal: io.terminal,
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    onInterrupt: (signal) => interrupt(signal),
  });
  try {
    return await runRelayed();
  } finally {
    await relay.finish();
  }

  async function runRelayed(): Promise<number> {
    const confined = await confine({
      sandbox,
      ext: loaded.ext,
      target,
      policy: loaded.policy,
      policySource: 'policy',
      vars,
      command: resolveCommand(command[0]!, io.cwd),
      args: command.slice(1),
      cwd: io.cwd,
      // The ad-hoc ${extensionData} is the run's own: in the sandbox's memory, like ${tmp}.
      ...(loaded.ext === 'exec' ? { scratch: [realpathSync(vars.extensionData)] } : {}),
      env: io.env.TERM ? { TERM: io.env.TERM } : {},
      stdio: relay.stdio,
      // On Corral's own pty the program may set its modes; on the caller's terminal it may not.
      terminal: relay.terminal,
      audit,
      onMode: (mode) => {
        if (mode === 'reduced')
          io.stderr(
            'corral exec: reduced mode (this machine offers no user namespaces): Landlock, seccomp and limits confine the command without private file-system, process and network views; "corral doctor" lists what that gives up\n',
          );
      },
      onStatus: (status, policy) => {
        const message = limitMessage(status, policy.limits);
        if (message) io.stderr(`corral exec: ${message}\n`);
      },
      // Loaded only when the policy names hosts: exec starts lean.
      startProxy: async (o) => (await import('../net/sandbox-proxy.ts')).startSandboxProxy(o),
    });
    relay.started(confined.child);
    interrupt = (signal) => confined.child.kill(signal);
    // The helper forwards these to the command; corral itself waits to report how it ended.
    const stopForwarding = io.onSignal(STOP_SIGNALS, (signal) => confined.child.kill(signal));
    const result = await confined.result;
    stopForwarding();

    // The helper already said why on stderr; its `error` status line was audited.
    if (result.setupFailed) return SETUP_FAILED;
    audit({
      ext: loaded.ext,
      layer: 'host',
      kind: 'lifecycle',
      op: 'exit',
      target,
      outcome: exitOutcome(result.exitStatus),
      reason: result.how,
      durationUs: Number((process.hrtime.bigint() - started) / 1000n),
    });
    return result.exitStatus;
  }
}

function realFolder(path: string, cwd: string, option: string): string {
  try {
    const real = realpathSync(resolve(cwd, path));
    if (statSync(real).isDirectory()) return real;
  } catch {
    // reported below
  }
  throw new SetupError(`${option} ${path} is not an existing folder; fix: give the folder to open`);
}

function errText(e: unknown): string {
  return e instanceof Error && 'code' in e
    ? String(e.code)
    : e instanceof Error
      ? e.message
      : String(e);
}
