// A command result over the 16 MiB frame limit, in real sandboxes: both SDKs (Node, Python) answer
// the host at once with -32003, as docs/protocol.md promises, instead of leaving it to wait out
// limits.timeoutMs; the extension stays up and answers the next command.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  failure,
  runAs,
  stageRuntime,
  startExtension,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import { ErrorCode } from '../../app/protocol/error-codes.ts';

let stage: RuntimeStage;

before(() => {
  stage = stageRuntime();
});

after(() => stage.close());

/** A Python extension with a command answering `megabytes` MiB, written into the stage. */
function pythonBigResult(): string {
  const dir = stage.dir('examples/py-big');
  stage.file(
    'examples/py-big/corral.json',
    JSON.stringify({
      manifestVersion: 1,
      id: 'corral-tests.py-big',
      name: 'Python Big Result',
      version: '1.0.0',
      publisher: 'corral-tests',
      runtime: 'python',
      main: 'main.py',
      limits: { memoryMB: 512, timeoutMs: 20_000 },
      contributes: {
        commands: [
          { id: 'big.result', title: 'Answer with megabytes of text' },
          { id: 'big.ping', title: 'Answer pong' },
        ],
      },
    }),
  );
  stage.file(
    'examples/py-big/main.py',
    [
      'import corral_sdk',
      'corral = corral_sdk.connect()',
      '',
      '@corral.on_command("big.result")',
      'def result(megabytes):',
      '    return "x" * (int(megabytes) * 1024 * 1024)',
      '',
      '@corral.on_command("big.ping")',
      'def ping():',
      '    return "pong"',
      '',
      'corral.run()',
      '',
    ].join('\n'),
  );
  return dir;
}

describe(`[${runAs}] a result over the frame limit is answered -32003 at once`, () => {
  const cases: [string, () => string, string, string][] = [
    [
      'Node',
      () =>
        stage.example('mischief', (m) => ((m.limits as { timeoutMs: number }).timeoutMs = 20_000)),
      'mischief.bigResult',
      'mischief.ping',
    ],
    ['Python', pythonBigResult, 'big.result', 'big.ping'],
  ];
  for (const [sdk, folder, big, ping] of cases)
    test(`${sdk} SDK: -32003 well before limits.timeoutMs (20 s), and the extension goes on`, async () => {
      const r = await startExtension(stage, folder(), { workspace: stage.dir('ws') });
      // Positive control: a result under the limit travels whole.
      assert.equal(((await r.host.execute(big, [1])) as string).length, 1024 * 1024);
      const started = performance.now();
      const e = await failure(r.host.execute(big, [20]), ErrorCode.LimitExceeded);
      const waited = performance.now() - started;
      assert.match(
        e.message,
        /^the result of command\/execute could not be sent: the message is \d+ bytes, over the 16777216-byte frame limit$/,
      );
      assert.ok(waited < 10_000, `answered after ${Math.round(waited)} ms`);
      assert.equal(await r.host.execute(ping), 'pong');
      assert.equal(r.host.state, 'ready');
    });
});
