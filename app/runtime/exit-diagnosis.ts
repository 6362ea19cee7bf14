// Why an extension went away, in words an author can act on: it watches what the run reports (the
// program's last stderr lines, or its terminal's under corral dev, the sandbox's set-up error and
// limit hits from the audit events, how it exited) and, when the extension dies, names the cause
// and the fix: a syntax error, a missing module, a limit, a sandbox that could not be set up and
// the manifest field behind it.
import type { AuditEventInput } from '../audit-event/event.ts';
import type { Manifest, PolicyInput } from '../policy/manifest.ts';
import { toPointer } from '../policy/errors.ts';
import { expandGrantPath, type PathVariables } from '../policy/variables.ts';

/** Lines of stderr kept: enough for a Node or Python traceback's end. */
const KEEP_LINES = 40;
/**
 * The head of a line kept, whoever feeds the witness: what it looks for ("Cannot find module 'x'",
 * "SyntaxError: …") is short, and a chatty extension's minified line must not grow the buffer.
 */
export const KEEP_LINE_CHARS = 2048;

export interface Diagnosis {
  cause: string;
  fix: string;
  /** What it rests on: "exit" alone says no more than the exit status does. */
  evidence: 'sandbox' | 'limit' | 'stderr' | 'exit';
  /** The sentence it rests on as reported (the set-up refusal), when the cause quotes one. */
  detail?: string;
}

/** What a run saw of its extension's end. */
export interface ExitWitness {
  /**
   * Feed every output line of the extension: its stdout and stderr from pipes, or, when it runs
   * on a terminal (corral dev), what that terminal showed, as plain text (both streams in one).
   */
  output(stream: 'stdout' | 'stderr' | 'terminal', line: string): void;
  /** Feed every audit event of the run. */
  audit(event: AuditEventInput): void;
  /** Why it went away, when anything it said or the sandbox reported explains it. */
  diagnose(): Diagnosis | null;
}

/** Watches one extension's run; `vars` maps a set-up error's path back to its grant. */
export function exitWitness(
  manifest: Pick<Manifest, 'runtime'>,
  policy: PolicyInput,
  vars: PathVariables,
): ExitWitness {
  const stderr: string[] = [];
  let channel: OutputChannel = 'stderr';
  let setup: string | null = null;
  let limit: string | null = null;
  let exit: string | null = null;
  return {
    output(stream, line) {
      if (stream === 'stdout') return;
      channel = stream;
      stderr.push(line.slice(0, KEEP_LINE_CHARS));
      if (stderr.length > KEEP_LINES) stderr.shift();
    },
    audit(event) {
      if (event.kind === 'lifecycle' && event.reason.startsWith('sandbox not set up: '))
        setup = event.reason.slice('sandbox not set up: '.length);
      // A throttled CPU is held to its rate, not stopped: Node's start-up alone can hit the rate
      // on a busy machine, and the extension then dies of something else, which must be named.
      if (
        event.kind === 'limit' &&
        event.layer === 'host' &&
        event.reason.startsWith('limit hit: ') &&
        !event.reason.endsWith(' throttled')
      )
        limit = event.op;
      if (event.kind === 'lifecycle' && event.op === 'crash')
        exit = /\(([^)]*)\)$/.exec(event.reason)?.[1] ?? null;
    },
    diagnose() {
      return diagnoseExit(
        { runtime: manifest.runtime, stderr, channel, setup, limit, exit },
        policy,
        vars,
      );
    },
  };
}

/** Where the extension's words were read: a stderr pipe, or the terminal it ran on. */
export type OutputChannel = 'stderr' | 'terminal';

export interface ExitEvidence {
  runtime: Manifest['runtime'];
  /** Its last lines on `channel`. */
  stderr: readonly string[];
  /** Default stderr. */
  channel?: OutputChannel;
  /** The helper's set-up error ("bind /x: Permission denied"), if any. */
  setup: string | null;
  /** The limit that stopped it ("memory", "pids"…), if any. */
  limit: string | null;
  /** "exit status 1", "killed by signal 9". */
  exit: string | null;
}

const LIMIT_FIELDS: Record<string, string> = {
  memory: 'memoryMB',
  pids: 'pids',
  nofile: 'openFiles',
  fsize: 'fileSizeMB',
  cpu: 'cpuPercent',
  timeout: 'timeoutMs',
};

/** The cause and fix for this evidence, or null when nothing explains the end. */
export function diagnoseExit(
  e: ExitEvidence,
  policy?: PolicyInput,
  vars?: PathVariables,
): Diagnosis | null {
  if (e.setup !== null) {
    const field = policy && vars ? grantNamed(e.setup, policy, vars) : null;
    return {
      cause: `the sandbox could not be set up: ${e.setup}${field ? ` (${field.pointer}, "${field.path}")` : ''}`,
      fix: field
        ? `check that ${field.path} can be read by this user, or change ${field.pointer} in corral.json`
        : 'run "corral doctor" to see what this machine offers the sandbox',
      evidence: 'sandbox',
      detail: e.setup,
    };
  }
  if (e.limit !== null) {
    const field = LIMIT_FIELDS[e.limit] ?? e.limit;
    return {
      cause: `it hit its ${e.limit} limit (limits.${field})`,
      fix: `raise limits.${field} in corral.json (and corral.rules), or make it use less`,
      evidence: 'limit',
    };
  }
  const text = e.stderr.join('\n');
  const exited = e.exit ? ` (${e.exit})` : '';
  let m: RegExpExecArray | null;
  if ((m = /Cannot find (?:module|package) '([^']+)'/.exec(text)))
    return missingNodeModule(m[1]!, exited);
  if ((m = /ModuleNotFoundError: No module named '([^']+)'/.exec(text)))
    return missingPythonModule(m[1]!, exited);
  if (e.runtime === 'node' && (m = /^SyntaxError: (.*)$/m.exec(text))) {
    const at = /^(?:file:\/\/)?(\/[^\s:]+):(\d+)$/m.exec(text); // CommonJS or ES module
    return {
      cause: `a syntax error${at ? ` in ${at[1]}:${at[2]}` : ''}: ${m[1]}${exited}`,
      fix: `correct it; "node --check ${at ? at[1] : 'FILE'}" shows it without starting Corral`,
      evidence: 'stderr',
    };
  }
  if (
    e.runtime === 'python' &&
    (m = /^(?:SyntaxError|IndentationError|TabError): (.*)$/m.exec(text))
  ) {
    const at = /File "([^"]+)", line (\d+)/.exec(text);
    return {
      cause: `a syntax error${at ? ` in ${at[1]}:${at[2]}` : ''}: ${m[1]}${exited}`,
      fix: `correct it; "python3 -m py_compile ${at ? at[1] : 'FILE'}" shows it without starting Corral`,
      evidence: 'stderr',
    };
  }
  const last = [...e.stderr].reverse().find((l) => /\S/.test(l) && !/^\s+at |^Node\.js v/.test(l));
  const terminal = e.channel === 'terminal';
  const where = terminal ? 'its terminal' : 'stderr';
  if (last !== undefined)
    return {
      cause: `it exited${exited}; its last words on ${where}: ${last.trim().slice(0, 300)}`,
      fix: terminal
        ? 'its terminal above shows everything it wrote'
        : 'the lines above, prefixed with its name, are everything it wrote',
      evidence: 'stderr',
    };
  if (e.exit !== null)
    return {
      cause: `it exited${exited} without a word on ${where}`,
      fix: 'log what it does (corral.log.info) to see how far it gets',
      evidence: 'exit',
    };
  return null;
}

function missingNodeModule(name: string, exited: string): Diagnosis {
  if (name === '@corral/sdk')
    return {
      cause: `the module "@corral/sdk" is not in the extension folder${exited}`,
      fix: 'run "npm install" in the folder (corral new vendors the SDK), and keep node_modules/@corral in the package, or bundle it into main',
      evidence: 'stderr',
    };
  return {
    cause: `the module "${name}" is not in the extension folder${exited}`,
    fix: `install it inside the folder (npm install ${name.startsWith('.') ? '' : name}) and ship node_modules, or bundle it into main (esbuild --bundle); the sandbox shows the extension only its own folder`,
    evidence: 'stderr',
  };
}

function missingPythonModule(name: string, exited: string): Diagnosis {
  if (name === 'corral_sdk')
    return {
      cause: `the Python SDK (corral_sdk) was not found${exited}`,
      fix: 'start the extension with "corral run", which puts corral_sdk on PYTHONPATH',
      evidence: 'stderr',
    };
  return {
    cause: `the Python module "${name}" is not in the extension folder${exited}`,
    fix: `copy it into the folder (pip install --target vendor ${name}, then add vendor to sys.path in main) or use the standard library; the sandbox shows the extension only its own folder and Python's own`,
    evidence: 'stderr',
  };
}

/** The fs grant whose real path the set-up error names, as its JSON pointer and path. */
function grantNamed(
  reason: string,
  policy: PolicyInput,
  vars: PathVariables,
): { pointer: string; path: string } | null {
  for (const section of ['permissions', 'optionalPermissions'] as const) {
    const grants = policy[section].fs ?? [];
    for (let i = 0; i < grants.length; i++) {
      const expanded = expandGrantPath(grants[i]!.path, vars);
      if (expanded.ok && new RegExp(`(^|\\s)${escape(expanded.path)}(:|\\s|$|/)`).test(reason))
        return { pointer: toPointer([section, 'fs', i]), path: grants[i]!.path };
    }
  }
  return null;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
