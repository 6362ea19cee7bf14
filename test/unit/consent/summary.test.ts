// The consent summary: plain sentences, base risks, and the linter's findings raising them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overallRisk, summarizePermissions } from '../../../app/consent/summary.ts';
import type { PolicyInput, Permissions } from '../../../app/policy/manifest.ts';

function policy(permissions: Permissions, extra: Partial<PolicyInput> = {}): PolicyInput {
  return { permissions, optionalPermissions: {}, limits: {}, ...extra };
}

test('one plain sentence and a risk per grant', () => {
  const cases: [Permissions, string, 'low' | 'medium' | 'high', string][] = [
    [
      { fs: [{ path: '${workspace}', access: 'read' }] },
      'Read files in your workspace (the folder you open)',
      'low',
      'fs[0]',
    ],
    [
      { fs: [{ path: '${workspace}/out', access: 'write' }] },
      'Read and change files in out in your workspace',
      'medium',
      'fs[0]',
    ],
    [
      { fs: [{ path: '${documents}/reports', access: 'write' }] },
      'Read and change files in reports in your Documents folder',
      'medium',
      'fs[0]',
    ],
    [
      { fs: [{ path: '${downloads}', access: 'read' }] },
      'Read files in your Downloads folder',
      'medium',
      'fs[0]',
    ],
    [
      { fs: [{ path: '${extensionData}', access: 'write' }] },
      'Read and change files in its own data folder',
      'low',
      'fs[0]',
    ],
    [
      { fs: [{ path: '${home}', access: 'read' }] },
      'Read files in your whole home folder',
      'high',
      'fs[0]',
    ],
    [
      { net: [{ host: 'api.github.com' }] },
      'Connect to api.github.com (HTTPS, port 443)',
      'medium',
      'net[0]',
    ],
    [
      { net: [{ host: '*.example.com', ports: [443, 8443] }] },
      'Connect to any subdomain of example.com on ports 443, 8443',
      'medium',
      'net[0]',
    ],
    [
      { net: [{ host: '93.184.216.34', ports: [80] }] },
      'Connect to the address 93.184.216.34 on port 80 (unencrypted HTTP)',
      'medium',
      'net[0]',
    ],
    [
      { ipc: [{ channel: 'wc.updates', access: 'both' }] },
      'Send and receive messages on the channel wc.updates',
      'low',
      'ipc[0]',
    ],
    [
      { process: { spawn: true } },
      'Start other programs (inside its sandbox)',
      'medium',
      'process.spawn',
    ],
  ];
  for (const [permissions, sentence, risk, grant] of cases) {
    const [item, ...rest] = summarizePermissions(policy(permissions));
    assert.equal(item?.sentence, sentence);
    assert.equal(item?.risk, risk, sentence);
    assert.equal(item?.grant, grant);
    assert.equal(item?.optional, false);
    assert.deepEqual(
      rest.filter((i) => i.risk !== 'low'),
      [],
      sentence,
    );
  }
});

test("the linter's findings raise the risk and come along as notes", () => {
  const secrets = summarizePermissions(
    policy({ fs: [{ path: '${home}/.ssh', access: 'read' }] }),
  )[0]!;
  assert.equal(secrets.risk, 'high');
  assert.match(secrets.notes.join(), /SSH keys/);
  const writeHome = summarizePermissions(
    policy({ fs: [{ path: '${home}', access: 'write' }] }),
  )[0]!;
  assert.equal(writeHome.risk, 'high');
  const shared = summarizePermissions(policy({ net: [{ host: '*.github.io' }] }))[0]!;
  assert.equal(shared.risk, 'high');
  const local = summarizePermissions(policy({ net: [{ host: '127.0.0.1', ports: [8080] }] }))[0]!;
  assert.equal(local.risk, 'medium');
  assert.match(local.notes.join(), /this machine/);
  const absolute = summarizePermissions(
    policy({ fs: [{ path: '/srv/data', access: 'read' }] }),
  )[0]!;
  assert.equal(absolute.sentence, 'Read files in /srv/data');
  assert.match(absolute.notes.join(), /absolute path/);
});

test('optional grants, raised limits and an empty manifest', () => {
  const items = summarizePermissions(
    policy(
      {},
      {
        optionalPermissions: { fs: [{ path: '${downloads}', access: 'read' }] },
        limits: { memoryMB: 2048, cpuPercent: 50, timeoutMs: 60_000 },
      },
    ),
  );
  assert.deepEqual(
    items.map((i) => [i.grant, i.optional, i.sentence, i.risk]),
    [
      ['optional fs[0]', true, 'Read files in your Downloads folder', 'medium'],
      ['limits.memoryMB', false, 'Use up to 2048 MB of memory (default 512)', 'low'],
      ['limits.timeoutMs', false, 'Run a command for up to 60 seconds (default 30000)', 'low'],
    ],
  );
  assert.deepEqual(summarizePermissions(policy({})), []);
  assert.equal(overallRisk([]), 'low');
  assert.equal(
    overallRisk(summarizePermissions(policy({ fs: [{ path: '${home}', access: 'write' }] }))),
    'high',
  );
});

test('a finding about no single grant becomes an item of its own', () => {
  const items = summarizePermissions(
    policy({ fs: [{ path: '${workspace}', access: 'write' }], process: { spawn: true } }),
  );
  const spawnWarning = items.find((i) => i.grant === 'fs[0]')!;
  assert.match(spawnWarning.notes.join(), /with spawn/);
  assert.equal(spawnWarning.risk, 'medium');
});

test('the install summary names every host × port, also when one host has several entries', () => {
  const items = summarizePermissions(
    policy({
      net: [
        { host: '127.0.0.1', ports: [8765] },
        { host: '127.0.0.1', ports: [8766, 9000] },
        { host: 'api.x.com' },
      ],
    }),
  );
  const text = items.map((i) => i.sentence).join('\n');
  for (const port of ['8765', '8766', '9000', '443'])
    assert.ok(text.includes(port), `${port}: ${text}`);
  assert.deepEqual(
    items.flatMap((i) => i.rules),
    ['connect 127.0.0.1:8765', 'connect 127.0.0.1:8766,9000', 'connect api.x.com:443'],
  );
});

test('the consent sheet says a missing write folder will be created', () => {
  const [item] = summarizePermissions(
    policy({ fs: [{ path: '${documents}/summaries', access: 'write' }] }),
  );
  assert.deepEqual(item!.notes, [
    'if "${documents}/summaries" does not exist when the extension starts, Corral creates it as a folder',
  ]);
  assert.equal(item!.risk, 'medium', 'a note raises no risk');
});
