// One test per lint rule: a manifest that trips it, and the nearest one that does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINT_RULES, lintPolicy, type LintFinding } from '../../../app/policy/lint.ts';
import type { ManifestLimits, Permissions } from '../../../app/policy/manifest.ts';
import { lintText } from '../../../app/cli/lint.ts';
import { fixture } from './support.ts';

function lint(
  permissions: Permissions,
  optionalPermissions: Permissions = {},
  limits: ManifestLimits = {},
): LintFinding[] {
  return lintPolicy({ permissions, optionalPermissions, limits });
}

function ids(findings: LintFinding[], rule?: string): string[] {
  return findings
    .filter((f) => !rule || f.rule === rule)
    .map((f) => `${f.severity} ${f.rule} ${f.pointer}`);
}

test('every rule in the table has a unique id', () => {
  const names = LINT_RULES.map((r) => r.id);
  assert.equal(new Set(names).size, names.length);
});

test('the contract example lints clean: its one note says the reports folder is created', () => {
  assert.deepEqual(
    lintText(fixture('contract-example.json'), 'corral.json').findings.map(
      (f) => `${f.severity} ${f.rule} ${f.pointer}`,
    ),
    ['info fs-write-created /permissions/fs/1'],
  );
});

test('fs-write-created: a required write grant that may be missing says it is created', () => {
  const created = (fs: { path: string; access: 'read' | 'write' }[], optional = false) =>
    lint(optional ? {} : { fs }, optional ? { fs } : {})
      .filter((f) => f.rule === 'fs-write-created')
      .map((f) => f.message);
  assert.deepEqual(created([{ path: '${documents}/summaries', access: 'write' }]), [
    'if "${documents}/summaries" does not exist when the extension starts, Corral creates it as a folder',
  ]);
  assert.deepEqual(created([{ path: '${workspace}//out/', access: 'write' }]), [
    'if "${workspace}/out" does not exist when the extension starts, Corral creates it as a folder',
  ]);
  // Always there, read-only, or optional (asked while it runs, never bound): nothing to say.
  for (const path of ['${workspace}', '${home}', '${extensionData}', '${tmp}'])
    assert.deepEqual(created([{ path, access: 'write' }]), [], path);
  assert.deepEqual(created([{ path: '${documents}/summaries', access: 'read' }]), []);
  assert.deepEqual(created([{ path: '${documents}/summaries', access: 'write' }], true), []);
});

test('fs-write-home: write access to ${home}, / or the home folders is an error; a sub-folder is fine', () => {
  for (const path of ['${home}', '${home}/', '/', '/home', '/Users', '/home/alice', '/root']) {
    assert.deepEqual(
      ids(lint({ fs: [{ path, access: 'write' }] }), 'fs-write-home'),
      ['error fs-write-home /permissions/fs/0'],
      path,
    );
  }
  assert.deepEqual(
    ids(lint({ fs: [{ path: '${home}/notes', access: 'write' }] }), 'fs-write-home'),
    [],
  );
  assert.deepEqual(
    ids(lint({ fs: [{ path: '${home}/notes', access: 'read' }] }), 'fs-write-home'),
    [],
  );
});

test('fs-write-system: write access to a system folder is an error', () => {
  assert.deepEqual(
    ids(lint({ fs: [{ path: '/etc/nginx', access: 'write' }] }), 'fs-write-system'),
    ['error fs-write-system /permissions/fs/0'],
  );
  assert.deepEqual(ids(lint({ fs: [{ path: '/usr', access: 'write' }] }), 'fs-write-system'), [
    'error fs-write-system /permissions/fs/0',
  ]);
  assert.deepEqual(
    ids(lint({ fs: [{ path: '/etc/nginx', access: 'read' }] }), 'fs-write-system'),
    [],
  );
  assert.deepEqual(
    ids(lint({ fs: [{ path: '/srv2/data', access: 'write' }] }), 'fs-write-system'),
    [],
  );
});

test('fs-secret-path: grants over keys, credentials, keyrings and browser profiles are errors', () => {
  const covering = [
    '${home}',
    '${home}/.ssh',
    '${home}/.ssh/id_ed25519.pub',
    '${home}/.gnupg',
    '${home}/.aws/credentials',
    '${home}/.kube',
    '${home}/.config',
    '${home}/.mozilla/firefox',
    '${home}/.local/share/keyrings',
    '${home}/.password-store',
    '${home}/Library/Keychains',
    '${home}/.SSH',
    '/home/alice/.gnupg',
    '/home',
    '/etc',
    '/',
  ];
  for (const path of covering) {
    const found = lint({ fs: [{ path, access: 'read' }] }).filter(
      (f) => f.rule === 'fs-secret-path',
    );
    assert.equal(found.length, 1, path);
    assert.equal(found[0]!.severity, 'error');
  }
  for (const path of [
    '${home}/notes',
    '${documents}',
    '${workspace}',
    '${home}/.sshfoo',
    '/srv/data',
  ]) {
    assert.deepEqual(ids(lint({ fs: [{ path, access: 'read' }] }), 'fs-secret-path'), [], path);
  }
  assert.match(
    lint({ fs: [{ path: '${home}/.ssh', access: 'read' }] })[0]!.message,
    /covers SSH keys/,
  );
});

test('fs-absolute-path: an absolute path is a warning; a variable is not', () => {
  assert.deepEqual(ids(lint({ fs: [{ path: '/srv/data', access: 'read' }] }), 'fs-absolute-path'), [
    'warning fs-absolute-path /permissions/fs/0',
  ]);
  assert.deepEqual(
    ids(lint({ fs: [{ path: '${workspace}', access: 'read' }] }), 'fs-absolute-path'),
    [],
  );
});

test('net-shared-wildcard: wildcards over public suffixes and shared hosting are errors', () => {
  for (const host of [
    '*.com',
    '*.io',
    '*.co.uk',
    '*.github.io',
    '*.amazonaws.com',
    '*.s3.us-east-1.amazonaws.com',
    '*.herokuapp.com',
    '*.vercel.app',
    '*.ngrok-free.app',
  ]) {
    assert.deepEqual(
      ids(lint({ net: [{ host }] }), 'net-shared-wildcard'),
      ['error net-shared-wildcard /permissions/net/0'],
      host,
    );
  }
  for (const host of [
    '*.github.com',
    '*.githubusercontent.com',
    'acme.github.io',
    '*.acme.co.uk',
    'myapp.herokuapp.com',
  ]) {
    assert.deepEqual(ids(lint({ net: [{ host }] }), 'net-shared-wildcard'), [], host);
  }
});

test('net-plain-http: plain-HTTP ports are warnings; 443 is not', () => {
  assert.deepEqual(
    ids(lint({ net: [{ host: 'example.com', ports: [443, 80] }] }), 'net-plain-http'),
    ['warning net-plain-http /permissions/net/0'],
  );
  assert.deepEqual(ids(lint({ net: [{ host: 'example.com', ports: [8080] }] }), 'net-plain-http'), [
    'warning net-plain-http /permissions/net/0',
  ]);
  assert.deepEqual(ids(lint({ net: [{ host: 'example.com' }] }), 'net-plain-http'), []);
});

test('net-local-address: loopback, private, link-local (cloud metadata) and .local are warnings', () => {
  for (const host of [
    'localhost',
    '127.0.0.1',
    '::1',
    '10.0.0.5',
    '192.168.1.1',
    '172.20.0.1',
    '169.254.169.254',
    'printer.local',
    'fd00::1',
  ]) {
    assert.deepEqual(
      ids(lint({ net: [{ host }] }), 'net-local-address'),
      ['warning net-local-address /permissions/net/0'],
      host,
    );
  }
  for (const host of ['8.8.8.8', '172.32.0.1', 'example.com', '2001:db8::1']) {
    assert.deepEqual(ids(lint({ net: [{ host }] }), 'net-local-address'), [], host);
  }
});

test('grant-duplicate: the same grant twice is a warning on the second', () => {
  assert.deepEqual(
    ids(
      lint({
        fs: [
          { path: '${workspace}', access: 'read' },
          { path: '${workspace}', access: 'read' },
        ],
      }),
      'grant-duplicate',
    ),
    ['warning grant-duplicate /permissions/fs/1'],
  );
  assert.deepEqual(
    ids(lint({ net: [{ host: 'a.com' }, { host: 'a.com', ports: [443] }] }), 'grant-duplicate'),
    ['warning grant-duplicate /permissions/net/1'],
  );
  assert.deepEqual(
    ids(
      lint({
        ipc: [
          { channel: 'a.b', access: 'publish' },
          { channel: 'a.b', access: 'publish' },
        ],
      }),
      'grant-duplicate',
    ),
    ['warning grant-duplicate /permissions/ipc/1'],
  );
  assert.deepEqual(
    ids(lint({ net: [{ host: 'a.com' }, { host: 'a.com', ports: [8443] }] }), 'grant-duplicate'),
    [],
  );
});

test('grant-overlap: a grant inside a wider one with at least its access is a warning', () => {
  assert.deepEqual(
    ids(
      lint({
        fs: [
          { path: '${workspace}', access: 'write' },
          { path: '${workspace}/src', access: 'read' },
        ],
      }),
      'grant-overlap',
    ),
    ['warning grant-overlap /permissions/fs/1'],
  );
  assert.deepEqual(
    ids(
      lint({
        fs: [
          { path: '${workspace}', access: 'read' },
          { path: '${workspace}', access: 'write' },
        ],
      }),
      'grant-overlap',
    ),
    ['warning grant-overlap /permissions/fs/0'],
  );
  assert.deepEqual(
    ids(lint({ net: [{ host: '*.example.com' }, { host: 'api.example.com' }] }), 'grant-overlap'),
    ['warning grant-overlap /permissions/net/1'],
  );
  assert.deepEqual(
    ids(
      lint({
        ipc: [
          { channel: 'a.b', access: 'both' },
          { channel: 'a.b', access: 'subscribe' },
        ],
      }),
      'grant-overlap',
    ),
    ['warning grant-overlap /permissions/ipc/1'],
  );
  // Not overlaps: a write grant inside a read grant adds something; a different port adds something.
  assert.deepEqual(
    ids(
      lint({
        fs: [
          { path: '${workspace}', access: 'read' },
          { path: '${workspace}/out', access: 'write' },
        ],
      }),
      'grant-overlap',
    ),
    [],
  );
  assert.deepEqual(
    ids(
      lint({ net: [{ host: '*.example.com' }, { host: 'api.example.com', ports: [8443] }] }),
      'grant-overlap',
    ),
    [],
  );
  assert.deepEqual(
    ids(lint({ net: [{ host: '*.example.com' }, { host: 'example.com' }] }), 'grant-overlap'),
    [],
  );
});

test('limit-out-of-bounds: limits beyond sane bounds are warnings', () => {
  const found = ids(
    lint(
      {},
      {},
      {
        memoryMB: 16,
        cpuPercent: 800,
        pids: 100000,
        openFiles: 1_000_000,
        fileSizeMB: 50_000,
        timeoutMs: 3_600_000,
      },
    ),
    'limit-out-of-bounds',
  );
  assert.deepEqual(
    found,
    ['memoryMB', 'cpuPercent', 'pids', 'openFiles', 'fileSizeMB', 'timeoutMs'].map(
      (f) => `warning limit-out-of-bounds /limits/${f}`,
    ),
  );
  assert.deepEqual(
    ids(
      lint(
        {},
        {},
        {
          memoryMB: 256,
          cpuPercent: 50,
          pids: 32,
          openFiles: 256,
          fileSizeMB: 64,
          timeoutMs: 30000,
        },
      ),
    ),
    [],
  );
});

test('optional-duplicates-required: an optional grant that is already granted is a warning', () => {
  assert.deepEqual(
    ids(
      lint(
        { fs: [{ path: '${workspace}', access: 'write' }] },
        { fs: [{ path: '${workspace}/docs', access: 'read' }] },
      ),
      'optional-duplicates-required',
    ),
    ['warning optional-duplicates-required /optionalPermissions/fs/0'],
  );
  assert.deepEqual(
    ids(
      lint({ net: [{ host: '*.example.com' }] }, { net: [{ host: 'a.example.com' }] }),
      'optional-duplicates-required',
    ),
    ['warning optional-duplicates-required /optionalPermissions/net/0'],
  );
  assert.deepEqual(
    ids(
      lint(
        { ipc: [{ channel: 'a.b', access: 'both' }] },
        { ipc: [{ channel: 'a.b', access: 'publish' }] },
      ),
      'optional-duplicates-required',
    ),
    ['warning optional-duplicates-required /optionalPermissions/ipc/0'],
  );
  assert.deepEqual(
    ids(
      lint({ process: { spawn: true } }, { process: { spawn: true } }),
      'optional-duplicates-required',
    ),
    ['warning optional-duplicates-required /optionalPermissions/process/spawn'],
  );
  // Asking to write where reading is granted is a real request.
  assert.deepEqual(
    ids(
      lint(
        { fs: [{ path: '${workspace}', access: 'read' }] },
        { fs: [{ path: '${workspace}', access: 'write' }] },
      ),
      'optional-duplicates-required',
    ),
    [],
  );
});

test('spawn-with-writable-exec: spawn plus write access to where programs run from', () => {
  const spawn = { process: { spawn: true } };
  for (const path of [
    '${home}',
    '${home}/.local/bin',
    '${home}/bin/tools',
    '/usr/local',
    '${home}/.bashrc',
  ]) {
    const found = ids(
      lint({ ...spawn, fs: [{ path, access: 'write' }] }),
      'spawn-with-writable-exec',
    );
    assert.deepEqual(found, ['error spawn-with-writable-exec /permissions/fs/0'], path);
  }
  assert.deepEqual(
    ids(
      lint({ ...spawn, fs: [{ path: '${workspace}', access: 'write' }] }),
      'spawn-with-writable-exec',
    ),
    ['warning spawn-with-writable-exec /permissions/fs/0'],
  );
  // Optional spawn counts too; a data folder or read access does not.
  assert.deepEqual(
    ids(
      lint({ fs: [{ path: '${home}/.local/bin', access: 'write' }] }, spawn),
      'spawn-with-writable-exec',
    ),
    ['error spawn-with-writable-exec /permissions/fs/0'],
  );
  assert.deepEqual(
    ids(
      lint({
        ...spawn,
        fs: [
          { path: '${documents}/reports', access: 'write' },
          { path: '${home}', access: 'read' },
        ],
      }),
      'spawn-with-writable-exec',
    ),
    [],
  );
  assert.deepEqual(
    ids(
      lint({ fs: [{ path: '${home}/.local/bin', access: 'write' }] }),
      'spawn-with-writable-exec',
    ),
    [],
  );
});

test('manifest-migrated and schema findings come from the document, with lines', () => {
  const migrated = lintText(fixture('v0-manifest.json'), 'corral.json').findings;
  assert.deepEqual(ids(migrated, 'manifest-migrated'), [
    'warning manifest-migrated /manifestVersion',
  ]);
  assert.equal(migrated.find((f) => f.rule === 'manifest-migrated')!.line, 2);
  const broken = lintText(
    '{\n  "permissions": {\n    "fs": [{ "path": "x", "access": "read" }]\n  }\n}\n',
    'policy.json',
  ).findings;
  assert.deepEqual(
    broken.map((f) => [f.rule, f.pointer, f.line]),
    [['schema', '/permissions/fs/0/path', 3]],
  );
});

test('rules files: findings carry the rule line; syntax errors are rules-syntax', () => {
  const findings = lintText('read ${workspace}\nconnect *.com\n', 'policy.rules').findings;
  assert.deepEqual(
    findings.map((f) => [f.rule, f.line]),
    [['net-shared-wildcard', 2]],
  );
  const syntax = lintText('read ${workspace}\nallow all\n', 'policy.rules').findings;
  assert.deepEqual(
    syntax.map((f) => [f.rule, f.severity, f.line]),
    [['rules-syntax', 'error', 2]],
  );
});

test('grant-spelling: a note when a path or host is matched in another spelling than written', () => {
  const found = lint({
    fs: [
      { path: '${workspace}//src/./', access: 'read' },
      { path: '${documents}/reports', access: 'read' },
    ],
    net: [
      { host: 'API.Example.com.' },
      { host: 'münchen.de' },
      { host: '[::1]' },
      { host: 'example.org' },
    ],
  }).filter((f) => f.rule === 'grant-spelling');
  assert.deepEqual(
    found.map((f) => [f.severity, f.pointer, f.message]),
    [
      ['info', '/permissions/fs/0', '"${workspace}//src/./" means "${workspace}/src"'],
      ['info', '/permissions/net/0', '"API.Example.com." is matched as "api.example.com"'],
      ['info', '/permissions/net/1', '"münchen.de" is matched as "xn--mnchen-3ya.de"'],
    ],
  );
  assert.equal(found[1]!.fix, 'write "api.example.com"');
});
