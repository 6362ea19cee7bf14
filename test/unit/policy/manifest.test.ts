// The manifest schema as an extension author meets it: what passes, and the one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatPolicyError,
  parsePolicyDocument,
  type PolicyDocument,
} from '../../../app/policy/manifest.ts';
import { fixture } from './support.ts';

const base = JSON.parse(fixture('contract-example.json')) as Record<string, unknown>;

// Tests edit arbitrary JSON in place; typing every path would hide what each test changes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EditableJson = any;

function withChange(change: (m: EditableJson) => void): PolicyDocument {
  const m = structuredClone(base) as EditableJson;
  change(m);
  return parsePolicyDocument(JSON.stringify(m, null, 2), 'corral.json');
}

function errorLines(doc: PolicyDocument): string[] {
  assert.equal(doc.ok, false, 'expected the document to be refused');
  return doc.ok ? [] : doc.errors.map((e) => formatPolicyError('corral.json', e));
}

test('the contract example manifest is accepted as a version 1 manifest', () => {
  const doc = parsePolicyDocument(fixture('contract-example.json'), 'corral.json');
  assert.ok(doc.ok);
  assert.equal(doc.kind, 'manifest');
  assert.deepEqual(doc.notices, []);
  assert.equal(doc.policy.permissions.fs?.[1]?.path, '${documents}/reports');
  assert.equal(doc.lines?.get('/permissions/fs/1'), 13);
});

test('a wrong enum value names the pointer, the expected values and the fix, on one line', () => {
  const lines = errorLines(withChange((m) => (m.permissions.fs[0].access = 'rw')));
  assert.deepEqual(lines, [
    'corral.json: /permissions/fs/0/access: expected "read" or "write", got "rw"; fix: use "read" or "write"',
  ]);
});

test('an unknown key is an error that suggests the key that was meant', () => {
  const lines = errorLines(withChange((m) => (m.permissions.fs[0].acess = 'read')));
  assert.ok(
    lines.some((l) =>
      l.startsWith(
        'corral.json: /permissions/fs/0/acess: unknown key "acess"; fix: did you mean "access"?',
      ),
    ),
    lines.join('\n'),
  );
  const top = errorLines(withChange((m) => (m.permisions = {})));
  assert.ok(
    top.some((l) =>
      l.includes('/permisions: unknown key "permisions"; fix: did you mean "permissions"?'),
    ),
  );
});

test('a missing required field says which and how to add it', () => {
  const lines = errorLines(withChange((m) => delete m.main));
  assert.deepEqual(lines, [
    'corral.json: /main: missing; expected a string; fix: add "main": "dist/index.js"',
  ]);
});

test('a wrong type says what was expected and what was found', () => {
  const lines = errorLines(withChange((m) => (m.limits.memoryMB = '256MB')));
  assert.equal(
    lines[0],
    'corral.json: /limits/memoryMB: expected a number, got the string "256MB"; fix: write a number',
  );
});

test('limits out of the schema range are refused', () => {
  const lines = errorLines(withChange((m) => (m.limits.openFiles = 2)));
  assert.match(
    lines[0]!,
    /^corral\.json: \/limits\/openFiles: expected at least 8, got 2; fix: use at least 8$/,
  );
  errorLines(withChange((m) => (m.limits.cpuPercent = 12.5)));
});

test('fs paths: relative, "..", globs, "~", unknown variables and text after a variable are errors', () => {
  const cases: [string, RegExp][] = [
    [
      'reports',
      /is a relative path; fix: start it with a variable, e\.g\. "\$\{workspace\}\/reports"/,
    ],
    ['${workspace}/../x', /contains a "\.\." segment/],
    ['${workspace}/*.md', /glob character/],
    ['~/notes', /starts with "~".*fix: write "\$\{home\}\/notes"/],
    ['${HOME}/x', /unknown variable \$\{HOME\}/],
    ['${home}notes', /text straight after \$\{home\}; fix: write "\$\{home\}\/notes"/],
    ['/x/${home}', /has a "\$" after its start/],
    ['$HOME/x', /uses an environment variable/],
    ['C:\\Users\\x', /backslash/],
  ];
  for (const [path, pattern] of cases) {
    const lines = errorLines(withChange((m) => (m.permissions.fs[0].path = path)));
    assert.match(lines[0]!, /^corral\.json: \/permissions\/fs\/0\/path: /);
    assert.match(lines[0]!, pattern, path);
  }
});

test('an absolute fs path is accepted (the linter warns about it)', () => {
  assert.ok(withChange((m) => (m.permissions.fs[0].path = '/srv/data')).ok);
});

test('net hosts: a port, a URL or a misplaced wildcard in the host are errors with the fix', () => {
  const cases: [string, RegExp][] = [
    [
      'api.github.com:443',
      /includes a port; fix: write "host": "api\.github\.com" and "ports": \[443\]/,
    ],
    [
      'https://api.github.com/v3',
      /is a URL, not a host; fix: write only the host name, e\.g\. "api\.github\.com"/,
    ],
    ['api.*.com', /"\*" that is not a whole first label/],
    ['*', /would allow every host/],
    ['127.1', /unusual spelling of the IPv4 address 127\.0\.0\.1; fix: write "127\.0\.0\.1"/],
    ['bad host', /not a valid host name/],
  ];
  for (const [host, pattern] of cases) {
    const lines = errorLines(withChange((m) => (m.permissions.net[0].host = host)));
    assert.match(lines[0]!, /^corral\.json: \/permissions\/net\/0\/host: /);
    assert.match(lines[0]!, pattern, host);
  }
});

test('IP literals, IDN and upper case are valid hosts', () => {
  for (const host of [
    '10.0.0.1',
    '::1',
    '[2001:db8::1]',
    'münchen.de',
    'API.Example.COM',
    'example.com.',
  ]) {
    assert.ok(withChange((m) => (m.permissions.net[0].host = host)).ok, host);
  }
});

test('ports must be whole numbers from 1 to 65535', () => {
  assert.match(
    errorLines(withChange((m) => (m.permissions.net[0].ports = [0])))[0]!,
    /\/permissions\/net\/0\/ports\/0: expected at least 1/,
  );
  assert.match(
    errorLines(withChange((m) => (m.permissions.net[0].ports = [70000])))[0]!,
    /at most 65535/,
  );
  assert.match(
    errorLines(withChange((m) => (m.permissions.net[0].ports = [])))[0]!,
    /expected at least 1 entries/,
  );
});

test('ipc channels and access are checked', () => {
  assert.match(
    errorLines(withChange((m) => (m.permissions.ipc[0].channel = 'Word Count')))[0]!,
    /\/permissions\/ipc\/0\/channel: "Word Count" is not a channel name/,
  );
  assert.match(
    errorLines(withChange((m) => (m.permissions.ipc[0].access = 'write')))[0]!,
    /expected "publish" or "subscribe" or "both", got "write"/,
  );
});

test('id must be publisher.name and start with the publisher', () => {
  assert.match(
    errorLines(withChange((m) => (m.id = 'WordCount')))[0]!,
    /\/id: "WordCount" is not an extension id/,
  );
  assert.match(
    errorLines(withChange((m) => (m.id = 'other.word-count')))[0]!,
    /\/id: "other\.word-count" does not start with the publisher "acme"; fix: write "acme\.word-count"/,
  );
  assert.match(
    errorLines(withChange((m) => (m.id = 'acme.' + 'x'.repeat(60))))[0]!,
    /\/id: expected at most 64 characters/,
  );
});

test('runtime and main are checked', () => {
  assert.match(
    errorLines(withChange((m) => (m.runtime = 'deno')))[0]!,
    /\/runtime: expected "node" or "python" or "exec", got "deno"/,
  );
  assert.match(
    errorLines(withChange((m) => (m.main = '../escape.js')))[0]!,
    /\/main: .*leaves the package/,
  );
  assert.match(
    errorLines(withChange((m) => (m.main = '/usr/bin/node')))[0]!,
    /\/main: .*not a path inside the package/,
  );
});

test('a duplicated JSON key is refused instead of keeping the last one silently', () => {
  const text =
    '{"permissions": {"fs": [{"path": "${workspace}", "access": "read", "access": "write"}]}}';
  const doc = parsePolicyDocument(text, 'policy.json');
  assert.equal(doc.ok, false);
  assert.equal(
    formatPolicyError('policy.json', doc.ok ? (undefined as never) : doc.errors[0]!),
    'policy.json:1: /permissions/fs/0/access: duplicate key "access" (line 1, column 68); fix: keep only one of the two entries',
  );
});

test('broken JSON says the line and column', () => {
  const doc = parsePolicyDocument('{\n  "manifestVersion": 1,\n}', 'corral.json');
  assert.equal(doc.ok, false);
  const line = doc.ok ? '' : formatPolicyError('corral.json', doc.errors[0]!);
  assert.match(
    line,
    /^corral\.json:3: expected a key in double quotes \(line 3, column 1\); fix: /,
  );
});

test('a JSON value that is not an object is refused', () => {
  const doc = parsePolicyDocument('[1]', 'corral.json');
  assert.equal(doc.ok, false);
  assert.match(doc.ok ? '' : doc.errors[0]!.message, /expected a JSON object, got an array/);
});

test('a newer manifestVersion is refused with "update Corral"', () => {
  const lines = errorLines(withChange((m) => (m.manifestVersion = 2)));
  assert.deepEqual(lines, [
    'corral.json: /manifestVersion: manifestVersion 2 is newer than this Corral understands (1); fix: update Corral, or write the manifest for version 1',
  ]);
});

test('a version 0 manifest migrates to version 1 with a notice and the same meaning', () => {
  const doc = parsePolicyDocument(fixture('v0-manifest.json'), 'corral.json');
  assert.ok(doc.ok, JSON.stringify(doc));
  assert.equal(doc.kind, 'manifest');
  assert.equal(doc.value.manifestVersion, 1);
  assert.deepEqual(doc.policy.permissions, {
    fs: [
      { path: '${workspace}', access: 'read' },
      { path: '${documents}/reports', access: 'write' },
    ],
    net: [
      { host: 'api.github.com', ports: [443] },
      { host: '*.githubusercontent.com' },
      { host: '[::1]', ports: [8080] },
    ],
    ipc: [{ channel: 'wordcount.updates', access: 'publish' }],
    process: { spawn: false },
  });
  assert.equal(doc.notices.length, 1);
  assert.match(
    formatPolicyError('corral.json', doc.notices[0]!),
    /manifestVersion 0 is out of date and was read as version 1; fix: move fs, net, ipc and spawn under "permissions"/,
  );
});

test('errors in a version 0 manifest point into the version 0 file', () => {
  const v0 = JSON.parse(fixture('v0-manifest.json'));
  v0.fs[1].access = 'write-only';
  v0.net[0] = 'bad host:443';
  const doc = parsePolicyDocument(JSON.stringify(v0), 'old.json');
  assert.equal(doc.ok, false);
  assert.deepEqual(doc.ok ? [] : doc.errors.map((e) => e.pointer), ['/fs/1/access']);
  v0.fs[1].access = 'rw';
  const second = parsePolicyDocument(JSON.stringify(v0), 'old.json');
  assert.deepEqual(second.ok ? [] : second.errors.map((e) => e.pointer), ['/net/0']);
});

test('a policy file may hold only permissions, optionalPermissions and limits', () => {
  const doc = parsePolicyDocument(fixture('policy-fragment.json'), 'policy.json');
  assert.ok(doc.ok);
  assert.equal(doc.kind, 'policy');
  assert.deepEqual(doc.policy.optionalPermissions, {});
  const empty = parsePolicyDocument('{}', 'policy.json');
  assert.ok(empty.ok && empty.kind === 'policy');
  const typo = parsePolicyDocument('{"permission": {}}', 'policy.json');
  assert.equal(typo.ok, false);
  assert.equal(
    typo.ok ? '' : formatPolicyError('policy.json', typo.errors[0]!),
    'policy.json: /permission: unknown key "permission"; fix: did you mean "permissions"?',
  );
});

test('"__proto__" is an ordinary (unknown) key, not a way around the schema', () => {
  const doc = parsePolicyDocument(
    '{"__proto__": {"permissions": {}}, "permissions": {}}',
    'policy.json',
  );
  assert.equal(doc.ok, false);
  assert.match(doc.ok ? '' : doc.errors[0]!.message, /unknown key "__proto__"/);
});
