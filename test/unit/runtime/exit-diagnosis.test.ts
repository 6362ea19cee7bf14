// Why an extension went away, from what its run saw: set-up errors with their grant, limits with
// their field, Node and Python syntax errors and missing modules, last words, or nothing at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  diagnoseExit,
  exitWitness,
  KEEP_LINE_CHARS,
  type ExitEvidence,
} from '../../../app/runtime/exit-diagnosis.ts';
import type { PolicyInput } from '../../../app/policy/manifest.ts';

const none: ExitEvidence = { runtime: 'node', stderr: [], setup: null, limit: null, exit: null };
const vars = {
  workspace: '/home/u/notes',
  home: '/home/u',
  documents: '/home/u/Documents',
  downloads: '/home/u/Downloads',
  extensionData: '/d',
  tmp: '/t',
};
const policy: PolicyInput = {
  permissions: { fs: [{ path: '${workspace}', access: 'read' }] },
  optionalPermissions: { fs: [{ path: '${downloads}/in', access: 'read' }] },
  limits: {},
};

test('a set-up error names the grant behind the path it mentions', () => {
  const d = diagnoseExit(
    { ...none, setup: 'bind /home/u/Downloads/in: Permission denied' },
    policy,
    vars,
  );
  assert.equal(
    d?.cause,
    'the sandbox could not be set up: bind /home/u/Downloads/in: Permission denied (/optionalPermissions/fs/0, "${downloads}/in")',
  );
  assert.match(d!.fix, /change \/optionalPermissions\/fs\/0 in corral\.json/);
  const other = diagnoseExit(
    { ...none, setup: "cannot create the sandbox's namespaces: EPERM" },
    policy,
    vars,
  );
  assert.match(other!.fix, /corral doctor/);
});

test('a limit names its field', () => {
  assert.deepEqual(diagnoseExit({ ...none, limit: 'memory', exit: 'killed by signal 9' }), {
    cause: 'it hit its memory limit (limits.memoryMB)',
    fix: 'raise limits.memoryMB in corral.json (and corral.rules), or make it use less',
    evidence: 'limit',
  });
});

test('Node: a syntax error with its place, a missing module, the SDK not installed', () => {
  const syntax = diagnoseExit({
    ...none,
    exit: 'exit status 1',
    stderr: [
      '/ext/index.js:3',
      'const x = ;',
      '          ^',
      '',
      "SyntaxError: Unexpected token ';'",
      '    at wrapSafe (node:internal/modules/cjs/loader:1464:18)',
      '',
      'Node.js v20.20.2',
    ],
  });
  assert.equal(
    syntax?.cause,
    "a syntax error in /ext/index.js:3: Unexpected token ';' (exit status 1)",
  );
  assert.match(syntax!.fix, /node --check \/ext\/index\.js/);
  const esmSyntax = diagnoseExit({
    ...none,
    stderr: ['file:///ext/src/index.js:8', 'const x = ;', "SyntaxError: Unexpected token ';'"],
  });
  assert.equal(esmSyntax?.cause, "a syntax error in /ext/src/index.js:8: Unexpected token ';'");
  const missing = diagnoseExit({ ...none, stderr: ["Error: Cannot find module 'left-pad'"] });
  assert.match(missing!.cause, /the module "left-pad" is not in the extension folder/);
  assert.match(missing!.fix, /npm install left-pad.*esbuild --bundle/);
  const esm = diagnoseExit({
    ...none,
    stderr: [
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@corral/sdk' imported from /ext/src/index.js",
    ],
  });
  assert.match(esm!.fix, /run "npm install" in the folder/);
});

test('Python: a missing module, the SDK outside Corral, a syntax error', () => {
  assert.match(
    diagnoseExit({
      ...none,
      runtime: 'python',
      stderr: ["ModuleNotFoundError: No module named 'requests'"],
    })!.fix,
    /pip install --target vendor requests/,
  );
  assert.match(
    diagnoseExit({
      ...none,
      runtime: 'python',
      stderr: ["ModuleNotFoundError: No module named 'corral_sdk'"],
    })!.fix,
    /corral run/,
  );
  const syntax = diagnoseExit({
    ...none,
    runtime: 'python',
    stderr: [
      '  File "/ext/main.py", line 2',
      '    def (',
      '        ^',
      'SyntaxError: invalid syntax',
    ],
  });
  assert.equal(syntax?.cause, 'a syntax error in /ext/main.py:2: invalid syntax');
});

test('otherwise its last words; with nothing said, the exit alone; with nothing at all, null', () => {
  assert.deepEqual(
    diagnoseExit({
      ...none,
      exit: 'exit status 2',
      stderr: ['fatal: no config', '', 'Node.js v20.20.2'],
    }),
    {
      cause: 'it exited (exit status 2); its last words on stderr: fatal: no config',
      fix: 'the lines above, prefixed with its name, are everything it wrote',
      evidence: 'stderr',
    },
  );
  assert.equal(diagnoseExit({ ...none, exit: 'exit status 3' })?.evidence, 'exit');
  assert.equal(diagnoseExit(none), null);
});

test('the witness keeps what the run reports: stderr only, set-up errors, limits, the exit', () => {
  const w = exitWitness({ runtime: 'node' }, policy, vars);
  assert.equal(w.diagnose(), null);
  w.output('stdout', 'SyntaxError: not from stderr');
  assert.equal(w.diagnose(), null, 'stdout is not where errors are');
  const base = { ext: 'acme.x', layer: 'host' as const, target: '/ext' };
  w.audit({
    ...base,
    kind: 'lifecycle',
    op: 'start',
    decision: 'deny',
    reason: 'not ready: the extension went away',
  });
  assert.equal(w.diagnose(), null, 'a start refusal is not a set-up error');
  w.audit({
    ...base,
    kind: 'lifecycle',
    op: 'crash',
    decision: 'deny',
    reason: 'the extension stopped unexpectedly (killed by signal 9)',
  });
  assert.equal(w.diagnose()?.cause, 'it exited (killed by signal 9) without a word on stderr');
  w.audit({
    ...base,
    kind: 'limit',
    op: 'memory',
    decision: 'deny',
    reason: 'limit hit: memory 256 MB',
  });
  assert.equal(w.diagnose()?.evidence, 'limit');
  for (let i = 0; i < 100; i++) w.output('stderr', `line ${i}`);
  w.audit({
    ...base,
    kind: 'lifecycle',
    op: 'start',
    decision: 'deny',
    reason: 'sandbox not set up: mount point for /x: EEXIST',
  });
  assert.match(
    w.diagnose()!.cause,
    /^the sandbox could not be set up: mount point for \/x: EEXIST$/,
  );
});

test('a throttled CPU is not why it went away; a CPU budget used up is', () => {
  const w = exitWitness({ runtime: 'node' }, policy, vars);
  const limit = (reason: string) =>
    w.audit({
      ext: 'acme.x',
      layer: 'host',
      kind: 'limit',
      op: 'cpu',
      outcome: 'limit',
      target: '/ext',
      reason,
    });
  limit('limit hit: cpu throttled');
  w.output('stderr', "Error: Cannot find module 'left-pad'");
  assert.match(w.diagnose()!.cause, /the module "left-pad" is not in the extension folder/);
  limit('limit hit: cpu');
  assert.equal(w.diagnose()!.cause, 'it hit its cpu limit (limits.cpuPercent)');
});

test('read from its terminal (corral dev): the same causes, its last words named as the terminal’s', () => {
  const w = exitWitness({ runtime: 'node' }, policy, vars);
  w.output('terminal', 'Error: the config file is unreadable');
  w.output('terminal', '    at file:///ext/index.js:1:7');
  w.output('terminal', '');
  w.output('terminal', 'Node.js v20.20.2');
  assert.deepEqual(w.diagnose(), {
    cause: 'it exited; its last words on its terminal: Error: the config file is unreadable',
    fix: 'its terminal above shows everything it wrote',
    evidence: 'stderr',
  });
  w.output('terminal', "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'left-pad' imported");
  assert.match(w.diagnose()!.cause, /^the module "left-pad" is not in the extension folder/);
  assert.equal(
    diagnoseExit({ ...none, channel: 'terminal', exit: 'exit status 1' })?.cause,
    'it exited (exit status 1) without a word on its terminal',
  );
});

test('a chatty extension does not grow the witness: the last lines are kept, each cut to its head', () => {
  const w = exitWitness({ runtime: 'node' }, policy, vars);
  w.output('stderr', "Error: Cannot find module 'left-pad'");
  for (let i = 0; i < 10_000; i++) w.output('stderr', `chatter ${i}`);
  assert.equal(w.diagnose()!.cause, 'it exited; its last words on stderr: chatter 9999');
  // The head of a line is kept: what is said past KEEP_LINE_CHARS is not looked at.
  const pad = 'x'.repeat(KEEP_LINE_CHARS);
  w.output('stderr', `${pad}Cannot find module 'far-away'`);
  assert.doesNotMatch(w.diagnose()!.cause, /far-away/);
  w.output('stderr', `${pad.slice(100)}Cannot find module 'near'`);
  assert.match(w.diagnose()!.cause, /the module "near"/);
});
