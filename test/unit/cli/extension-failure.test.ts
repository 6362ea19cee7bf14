// What `corral run` prints when a command throws or the extension goes away: the one line, the
// author's frames under it, the cause and fix appended, and no terminal control from the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureText } from '../../../app/cli/extension-failure.ts';
import { exitWitness } from '../../../app/runtime/exit-diagnosis.ts';
import { ExtensionStartError } from '../../../app/runtime/extension-runner.ts';
import { PeerGone, RpcFailure } from '../../../app/runtime/rpc-peer.ts';

const vars = {
  workspace: null,
  home: '/h',
  documents: '/h/D',
  downloads: '/h/W',
  extensionData: '/d',
  tmp: '/t',
};
const policy = { permissions: {}, optionalPermissions: {}, limits: {} };
const witness = () => exitWitness({ runtime: 'node' }, policy, vars);

test('a thrown exception: the line, then its frames indented, at most twelve', () => {
  const stack = Array.from({ length: 15 }, (_, i) => `at f${i} (/ext/index.js:${i + 1}:1)`).join(
    '\n',
  );
  const e = new RpcFailure(-32603, 'command "x.go" threw TypeError: boom', {
    exception: { type: 'TypeError', message: 'boom', stack },
  });
  const lines = failureText(e, witness()).split('\n');
  assert.equal(lines[0], 'command "x.go" threw TypeError: boom');
  assert.equal(lines[1], '    at f0 (/ext/index.js:1:1)');
  assert.equal(lines.length, 14);
  assert.equal(lines[13], '    … 3 more');
});

test('data that is not an exception report is not shown; the message alone is', () => {
  const e = new RpcFailure(-32001, 'permission denied: no grant covers /etc/shadow', {
    reason: 'x',
  });
  assert.equal(failureText(e, witness()), 'permission denied: no grant covers /etc/shadow');
});

test('the extension cannot drive the terminal: escape sequences become "?"', () => {
  const e = new RpcFailure(-32603, 'command "x" threw Error: \u001b]0;owned\u0007 \u009b2J', {
    exception: { type: 'Error', message: 'x', stack: 'at \u001b[31mred (/e.js:1:1)' },
  });
  const text = failureText(e, witness());
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  assert.match(text, /threw Error: \?\]0;owned\? \?2J\n {4}at \?\[31mred/);
});

test('went away: the cause and fix are appended; an exit alone is not repeated', () => {
  const w = witness();
  w.output('stderr', "Error: Cannot find module 'left-pad'");
  assert.match(
    failureText(new ExtensionStartError('acme.x did not start: the extension went away'), w),
    /^acme\.x did not start: the extension went away: the module "left-pad" is not in the extension folder; fix: /,
  );
  const quiet = witness();
  quiet.audit({
    ext: 'acme.x',
    layer: 'host',
    kind: 'lifecycle',
    op: 'crash',
    target: '/e',
    decision: 'deny',
    reason: 'the extension stopped unexpectedly (exit status 3)',
  });
  const crashed = 'acme.x stopped unexpectedly (exit status 3) while running x.crash';
  assert.equal(failureText(new PeerGone(crashed, 'exit status 3'), quiet), crashed);
  assert.equal(failureText(new Error('acme.x has no command "y"'), w), 'acme.x has no command "y"');
});

test("went away is known by the error, not its words: a command's own text is not diagnosed", () => {
  const w = witness();
  w.output('stderr', "Error: Cannot find module 'left-pad'");
  // Positive control: the extension's going away gets the diagnosis.
  assert.match(failureText(new PeerGone('the extension went away'), w), /left-pad/);
  // A command that merely says those words (an RpcFailure of its own) is shown as it said it.
  const said = new RpcFailure(-32603, 'command "x" threw Error: the server went away');
  assert.equal(failureText(said, w), 'command "x" threw Error: the server went away');
});

test('a set-up refusal that names its cause and fix is said once, not repeated by the diagnosis', () => {
  const refusal =
    '/x/corral.json: /permissions/fs/0/path: ${workspace} is not set because no folder is open; fix: open a folder (--workspace DIR)';
  const seen = witness();
  seen.audit({
    ext: 'acme.x',
    layer: 'host',
    kind: 'lifecycle',
    op: 'start',
    target: '/x',
    outcome: 'failed',
    reason: `sandbox not set up: ${refusal}`,
  });
  const e = new ExtensionStartError(`acme.x did not start: ${refusal}`);
  assert.equal(failureText(e, seen), `acme.x did not start: ${refusal}`);
  // The control: a start that failed for a set-up reason the message does not carry gets it.
  const bare = new ExtensionStartError('acme.x did not start: the extension went away');
  assert.equal(
    failureText(bare, seen),
    `acme.x did not start: the extension went away: the sandbox could not be set up: ${refusal}; fix: run "corral doctor" to see what this machine offers the sandbox`,
  );
});
