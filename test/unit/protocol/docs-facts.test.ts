// What docs/protocol.md and docs/extension-guide.md say about the host, checked against the code
// that does it (issue 13): every error example answered by the broker is the error it answers,
// word for word; the initialize limit; the environment and HOME inside the sandbox; where the
// Python SDK comes from; and which layer records what in the audit log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy } from '../../../app/policy/compile.ts';
import type { Permissions } from '../../../app/policy/manifest.ts';
import type { PathVariables } from '../../../app/policy/variables.ts';
import { createBroker } from '../../../app/runtime/broker.ts';
import { createConsentAsker } from '../../../app/runtime/consent-asker.ts';
import { GrantState } from '../../../app/runtime/grant-state.ts';
import { IpcBus } from '../../../app/runtime/ipc-bus.ts';
import { createNetFetcher } from '../../../app/runtime/net-fetch.ts';
import { denyAllPrompts } from '../../../app/runtime/prompts.ts';
import { RpcFailure } from '../../../app/runtime/rpc-peer.ts';
import { STARTUP_TIMEOUT_MS } from '../../../app/runtime/extension-runner.ts';
import { runtimeSupport } from '../../../app/runtime/runtime-support.ts';
import { buildPlan } from '../../../app/sandbox/build-plan.ts';
import { sandboxGrants } from '../../../app/policy/compile.ts';
import { resolveCommand } from '../../../app/sandbox/command.ts';
import { classifyMessage } from '../../../app/protocol/index.ts';

const read = (name: string) =>
  readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');
const protocol = read('protocol.md');
const guide = read('extension-guide.md');

// The manifest of the examples in docs/protocol.md (acme.word-count, contracts section 1).
const permissions: Permissions = {
  fs: [
    { path: '${workspace}', access: 'read' },
    { path: '${documents}/reports', access: 'write' },
  ],
  net: [{ host: 'api.github.com', ports: [443] }],
  ipc: [
    { channel: 'wordcount.updates', access: 'publish' },
    { channel: 'editor.selection', access: 'subscribe' },
  ],
};
const vars: PathVariables = {
  workspace: '/home/u/notes',
  home: '/home/u',
  documents: '/home/u/Documents',
  downloads: '/home/u/Downloads',
  extensionData: '/home/u/.local/share/corral/data/acme.word-count',
  tmp: '/tmp/corral-ext-x/tmp',
};

function broker() {
  const compiled = compilePolicy(permissions, {}, vars);
  assert.ok(compiled.ok);
  const grants = new GrantState(compiled.policy);
  const audit = () => {};
  return createBroker({
    ext: { id: 'acme.word-count', name: 'Word Count' },
    grants,
    vars,
    audit,
    asker: createConsentAsker({
      ext: { id: 'acme.word-count', name: 'Word Count' },
      grants: () => grants,
      prompts: denyAllPrompts,
      audit,
    }),
    ipc: new IpcBus(),
    net: createNetFetcher(),
    log: () => {},
    deliver: () => false,
    rate: { perSecond: 1000, burst: 1000 },
    notice: () => {},
    protocolVersion: () => 1,
  });
}

test('every error example the host answers in docs/protocol.md is the broker’s answer, word for word', async () => {
  const blocks = [...protocol.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!.split('\n'));
  const b = broker();
  let checked = 0;
  for (const lines of blocks) {
    const asked = new Map<unknown, { method: string; params?: unknown }>();
    for (const line of lines) {
      const m = /^(→|←) (.*)$/.exec(line);
      if (!m) continue;
      const message = classifyMessage(JSON.parse(m[2]!));
      assert.ok(message.ok);
      if (m[1] === '→' && message.kind === 'request')
        asked.set(message.message.id, message.message);
      if (m[1] !== '←' || message.kind !== 'response' || !('error' in message.message)) continue;
      const call = asked.get(message.message.id);
      if (!call) continue; // not an answer to an extension's call (e.g. a frame error)
      const answer = await b.onRequest(call.method, call.params).then(
        (r) => assert.fail(`${call.method}: answered ${JSON.stringify(r)}`),
        (e: unknown) => e,
      );
      assert.ok(answer instanceof RpcFailure);
      const got = {
        code: answer.code,
        message: answer.message,
        ...(answer.data === undefined ? {} : { data: answer.data }),
      };
      assert.deepEqual(got, message.message.error, line);
      checked++;
    }
  }
  assert.ok(checked >= 3, `only ${checked} error examples checked`);
});

test('the initialize limit docs/protocol.md names is the runner’s', () => {
  assert.match(protocol, new RegExp(`answer \`initialize\` within ${STARTUP_TIMEOUT_MS / 1000} s`));
});

test('the environment inside the sandbox is what docs/protocol.md lists; HOME is ${tmp} unless granted', () => {
  const plan = (home: string, fs: Permissions['fs']) => {
    const compiled = compilePolicy({ fs }, {}, vars);
    assert.ok(compiled.ok);
    return buildPlan({
      mode: 'full',
      grants: sandboxGrants(compiled.policy),
      command: resolveCommand(process.execPath, '/'),
      cwd: vars.workspace!,
      home,
      tmp: vars.tmp,
    });
  };
  const env = plan(vars.home, []).env;
  assert.deepEqual(Object.keys(env).sort(), ['CORRAL_SANDBOX', 'HOME', 'LANG', 'PATH', 'TMPDIR']);
  assert.equal(env.HOME, vars.tmp);
  assert.equal(plan(vars.home, [{ path: '${home}', access: 'read' }]).env.HOME, vars.home);
  for (const name of ['CORRAL_SANDBOX', 'HOME', 'LANG', 'PATH', 'TMPDIR'])
    assert.ok(protocol.includes(`\`${name}\``), `docs/protocol.md names ${name}`);
  assert.match(protocol, /`HOME` is `\$\{tmp\}` too/);
});

test('the Python SDK comes from PYTHONPATH, as the docs say, not from a copy', () => {
  const support = runtimeSupport('python');
  const dir = support.env.PYTHONPATH!;
  assert.ok(existsSync(join(dir, 'corral_sdk.py')));
  assert.deepEqual(support.readOnly, [dir]);
  for (const doc of [protocol, guide]) {
    assert.match(doc, /`PYTHONPATH`/);
    assert.match(doc, /nothing to install or copy/);
    assert.doesNotMatch(doc, /Copy `sdk\/python\/corral_sdk\.py`/);
  }
});

test('the guide says which layer records what, not that every access is logged', () => {
  assert.doesNotMatch(guide, /every access it makes or is refused lands in the audit log/);
  assert.match(guide, /meets `ENOENT` and leaves no event/);
});
