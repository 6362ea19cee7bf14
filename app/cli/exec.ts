// `corral exec`: runs any command in a sandbox built from a policy file (contracts section 3).
// Exit status: the command's own, 125 when the sandbox could not be set up, 128+N for signal N.
import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliIO } from './io.ts';
import { parseExecArgs } from './exec-args.ts';
import { formatPolicyError, parsePolicyDocument, type PolicyInput } from '../policy/manifest.ts';
import { formatPolicyErrors } from '../policy/errors.ts';
import { compilePolicy, sandboxGrants } from '../policy/compile.ts';
import { pathVariables } from '../platform/user-dirs.ts';
import { realizePolicy } from '../platform/real-path.ts';
import { CommandError, resolveCommand } from '../sandbox/command.ts';
import { buildPlan, PlanError } from '../sandbox/build-plan.ts';
import { createRunFolder, removeRunFolder } from '../platform/run-folder.ts';
import { compileDecider } from '../policy/decide.ts';
import type { SandboxMode } from '../sandbox/plan.ts';
import { CapabilityCheckError, detectCapabilities } from '../sandbox/detect-capabilities.ts';
import { findHelper } from '../sandbox/helper-path.ts';
import { corralDataDir } from '../platform/corral-dirs.ts';
import { launchSandbox } from '../sandbox/launcher.ts';
import { openJsonlSink, type AuditSink } from '../audit/jsonl-sink.ts';
import { statusToAudit, limitMessage } from '../sandbox/status-audit.ts';

/** The exit status for "the sandbox could not be set up; nothing was run". */
export const SETUP_FAILED = 125;

class SetupError extends Error {}

export async function execCommand(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseExecArgs(argv);
  if (!parsed.ok) {
    io.stderr(`corral exec: ${parsed.error}\n`);
    return SETUP_FAILED;
  }
  const args = parsed.value;
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
  const cleanups: (() => void)[] = [];
  let ext = 'exec';
  try {
    const loaded = loadPolicy(args.policy, io.cwd);
    ext = loaded.ext;
    return await runConfined(args.command, args.workspace, loaded, io, audit, cleanups);
  } catch (e) {
    if (!(e instanceof SetupError || e instanceof CommandError || e instanceof PlanError)) throw e;
    io.stderr(`corral exec: ${e.message}\n`);
    audit?.record({
      ext,
      layer: 'host',
      kind: 'lifecycle',
      op: 'start',
      target: args.command.join(' '),
      decision: 'deny',
      reason: `sandbox not set up: ${e.message}`,
    });
    return SETUP_FAILED;
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
    audit?.close();
  }
}

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
  return { ext: doc.kind === 'manifest' ? doc.value.id : 'exec', policy: doc.policy };
}

async function runConfined(
  command: string[],
  workspaceArg: string | null,
  loaded: LoadedPolicy,
  io: CliIO,
  audit: AuditSink | null,
  cleanups: (() => void)[],
): Promise<number> {
  const helper = findHelper();
  if (!helper)
    throw new SetupError(
      'the sandbox helper is not built; fix: run "npm install" in the Corral folder',
    );
  const mode = sandboxMode(helper, io);
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

  const compiled = compilePolicy(loaded.policy.permissions, loaded.policy.limits, vars);
  if (!compiled.ok) throw new SetupError(formatPolicyError('policy', compiled.errors[0]!));
  const { policy, dropped } = await realizePolicy(compiled.policy);
  const target = command.join(' ');
  for (const reason of dropped) {
    audit?.record({
      ext: loaded.ext,
      layer: 'host',
      kind: 'fs',
      op: 'grant',
      target,
      decision: 'deny',
      reason: `not bound: ${reason}`,
    });
  }
  const resolved = resolveCommand(command[0]!, io.cwd);
  // Granted hosts are reached through the allowlisting proxy (HTTP(S)_PROXY); full mode only, as
  // the relay lives in the sandbox's own network namespace.
  const decider = compileDecider(policy);
  const proxy =
    mode === 'full' && policy.net.length > 0
      ? await (
          await import('../runtime/sandbox-proxy.ts')
        ) // loaded only when needed: exec starts lean
          .startSandboxProxy({
            ext: loaded.ext,
            decider: () => decider,
            audit: (e) => audit?.record(e),
          })
      : null;
  if (proxy) cleanups.push(() => void proxy.close());
  const plan = buildPlan({
    mode,
    ...(proxy ? { proxyListener: proxy.listener } : {}),
    grants: sandboxGrants(policy),
    command: resolved,
    cwd: io.cwd,
    home: vars.home,
    tmp: realpathSync(vars.tmp),
    // The ad-hoc ${extensionData} is the run's own: in the sandbox's memory, like ${tmp}.
    scratch: loaded.ext === 'exec' ? [realpathSync(vars.extensionData)] : [],
    env: { ...(io.env.TERM ? { TERM: io.env.TERM } : {}), ...proxy?.env },
  });

  const started = process.hrtime.bigint();
  const launched = launchSandbox({
    helper,
    plan,
    path: resolved.path,
    args: command.slice(1),
    stdio: ['inherit', 'inherit', 'inherit'],
    ...(proxy ? { onProxyListener: (fd: number) => proxy.adopt(fd) } : {}),
    onStatus: (status) => {
      const message = limitMessage(status, policy.limits);
      if (message) io.stderr(`corral exec: ${message}\n`);
      const event = statusToAudit(status, { ext: loaded.ext, target });
      if (event) audit?.record(event);
    },
  });
  // The helper forwards these to the command; corral itself waits to report how it ended.
  const forward = (signal: NodeJS.Signals) => () => launched.child.kill(signal);
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const result = await launched.result;
  for (const [s, h] of handlers) process.off(s, h);

  // The helper already said why on stderr; its `error` status line was audited above.
  if (result.statuses.some((s) => s.type === 'error')) return SETUP_FAILED;
  audit?.record({
    ext: loaded.ext,
    layer: 'host',
    kind: 'lifecycle',
    op: 'exit',
    target,
    decision: 'allow',
    reason:
      result.exitStatus >= 128
        ? `killed by signal ${result.exitStatus - 128}`
        : `exit status ${result.exitStatus}`,
    durationUs: Number((process.hrtime.bigint() - started) / 1000n),
  });
  return result.exitStatus;
}

/** The mode this machine allows (chosen automatically); refused machines run nothing. */
function sandboxMode(helper: string, io: CliIO): SandboxMode {
  let verdict;
  try {
    verdict = detectCapabilities(helper).verdict;
  } catch (e) {
    if (e instanceof CapabilityCheckError) throw new SetupError(e.message);
    throw e;
  }
  if (verdict.mode === 'refused')
    throw new SetupError(`${verdict.summary} Fix: "corral doctor" says what to enable.`);
  if (verdict.mode === 'reduced') {
    io.stderr(
      'corral exec: reduced mode (this machine offers no user namespaces): Landlock, seccomp and limits confine the command without private file-system, process and network views; "corral doctor" lists what that gives up\n',
    );
  }
  return verdict.mode;
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
