// Path variables, normalisation, limits and the compiled policy the launcher receives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, sandboxGrants } from '../../../app/policy/compile.ts';
import { DEFAULT_LIMITS, resolveLimits } from '../../../app/policy/limits.ts';
import { normalizeAbsolutePath } from '../../../app/policy/paths.ts';
import { expandGrantPath } from '../../../app/policy/variables.ts';
import { limitsSchema as planLimitsSchema } from '../../../app/sandbox/plan.ts';
import { compiled, VARS } from './support.ts';

test('every variable expands to its folder on this machine', () => {
  const expect: [string, string][] = [
    ['${workspace}', '/home/u/project'],
    ['${home}/notes', '/home/u/notes'],
    ['${documents}/reports', '/home/u/Documents/reports'],
    ['${downloads}', '/home/u/Downloads'],
    ['${extensionData}/cache', '/home/u/.local/share/corral/data/acme.x/cache'],
    ['${tmp}', '/tmp/corral-acme.x'],
    ['/srv/data/', '/srv/data'],
    ['${workspace}//src/./lib/', '/home/u/project/src/lib'],
  ];
  for (const [path, full] of expect)
    assert.deepEqual(expandGrantPath(path, VARS), { ok: true, path: full }, path);
});

test('a ${workspace} grant with no folder open is an error the launcher can show', () => {
  const r = expandGrantPath('${workspace}/src', { ...VARS, workspace: null });
  assert.deepEqual(r, {
    ok: false,
    error:
      '${workspace} is not set because no folder is open; fix: open a folder (--workspace DIR)',
  });
});

test('expansion refuses what the schema refuses, even if called directly', () => {
  for (const bad of ['relative', '${workspace}/../x', '${nope}', '~/x', '${workspace}/*']) {
    assert.equal(expandGrantPath(bad, VARS).ok, false, bad);
  }
});

test('a variable whose value is not absolute is refused', () => {
  const r = expandGrantPath('${home}', { ...VARS, home: 'relative/home' });
  assert.equal(r.ok, false);
});

test('normalisation drops "//", "." and a trailing "/", and refuses ".." and relative paths', () => {
  assert.equal(normalizeAbsolutePath('/a//b/./c/'), '/a/b/c');
  assert.equal(normalizeAbsolutePath('///'), '/');
  assert.equal(normalizeAbsolutePath('/a/.hidden/..x'), '/a/.hidden/..x');
  assert.equal(normalizeAbsolutePath('/a/../b'), null);
  assert.equal(normalizeAbsolutePath('a/b'), null);
  assert.equal(normalizeAbsolutePath('/a/\0'), null);
  assert.equal(normalizeAbsolutePath('/Caf\u00e9'), '/Caf\u00e9', 'NFC is kept as written');
  assert.equal(normalizeAbsolutePath('/Cafe\u0301'), '/Cafe\u0301', 'NFD is kept as written');
});

test('limits default to the contract values and convert MB to bytes', () => {
  assert.deepEqual(DEFAULT_LIMITS, {
    memoryMB: 512,
    cpuPercent: 100,
    pids: 64,
    openFiles: 256,
    fileSizeMB: 100,
    timeoutMs: 30000,
  });
  assert.deepEqual(resolveLimits({}), {
    memoryBytes: 512 * 1024 * 1024,
    cpuPercent: 100,
    pids: 64,
    openFiles: 256,
    fileSizeBytes: 100 * 1024 * 1024,
    timeoutMs: 30000,
  });
  const r = resolveLimits({ memoryMB: 256, pids: 32, timeoutMs: undefined });
  assert.equal(r.memoryBytes, 256 * 1024 * 1024);
  assert.equal(r.pids, 32);
  assert.equal(r.timeoutMs, 30000);
  assert.ok(planLimitsSchema.safeParse(r).success, 'the sandbox plan accepts the resolved limits');
});

test('the compiled policy labels every grant and adds the private folders', () => {
  const p = compiled(
    {
      fs: [{ path: '${workspace}', access: 'read' }],
      net: [{ host: 'API.GitHub.com' }],
      ipc: [{ channel: 'a.b', access: 'both' }],
    },
    { net: [{ host: '*.example.com', ports: [443, 443, 8443] }] },
    { memoryMB: 64 },
  );
  assert.deepEqual(p.fs, [
    { path: '/home/u/project', access: 'read', grant: 'fs[0]' },
    { path: '/home/u/.local/share/corral/data/acme.x', access: 'write', grant: 'extensionData' },
    { path: '/tmp/corral-acme.x', access: 'write', grant: 'tmp' },
  ]);
  assert.deepEqual(p.net, [
    { kind: 'name', host: 'api.github.com', wildcard: false, ports: [443], grant: 'net[0]' },
  ]);
  assert.deepEqual(p.ipc, [{ channel: 'a.b', publish: true, subscribe: true, grant: 'ipc[0]' }]);
  assert.deepEqual(p.optional.net, [
    { kind: 'name', host: 'example.com', wildcard: true, ports: [443, 8443], grant: 'net[0]' },
  ]);
  assert.equal(p.spawn, false);
  assert.equal(p.limits.memoryBytes, 64 * 1024 * 1024);
});

test('compiling reports every grant that cannot be expanded, with its pointer', () => {
  const r = compilePolicy(
    { fs: [{ path: '${workspace}', access: 'read' }] },
    {},
    { ...VARS, workspace: null },
    { fs: [{ path: '${workspace}/x', access: 'read' }] },
  );
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? [] : r.errors.map((e) => e.pointer), [
    '/permissions/fs/0/path',
    '/optionalPermissions/fs/0/path',
  ]);
  assert.equal(r.ok ? '' : r.errors[0]!.fix, 'open a folder (--workspace DIR)');
});

test('sandbox grants: mounts parents first, covered grants dropped, ports collected', () => {
  const p = compiled({
    fs: [
      { path: '${workspace}/src', access: 'read' },
      { path: '${workspace}', access: 'read' },
      { path: '${workspace}/out', access: 'write' },
      { path: '${documents}', access: 'write' },
      { path: '${documents}/reports', access: 'read' },
      { path: '${documents}', access: 'read' },
    ],
    net: [{ host: 'a.example.com', ports: [8443, 443] }, { host: 'b.example.com' }],
  });
  const s = sandboxGrants(p);
  assert.deepEqual(s.mounts, [
    { path: '/tmp/corral-acme.x', access: 'rw' },
    { path: '/home/u/Documents', access: 'rw' },
    { path: '/home/u/project', access: 'ro' },
    { path: '/home/u/project/out', access: 'rw' },
    { path: '/home/u/.local/share/corral/data/acme.x', access: 'rw' },
  ]);
  assert.equal('tcpConnectPorts' in s, false, 'a net grant never becomes a port-only kernel rule');
  assert.equal(s.spawn, false);
});

test('the private folders are normalised, and a relative one is refused rather than granted', () => {
  const p = compiled({}, {}, {}, { ...VARS, extensionData: '/data//ext/', tmp: '' });
  assert.deepEqual(p.fs, [{ path: '/data/ext', access: 'write', grant: 'extensionData' }]);
  const r = compilePolicy({}, {}, { ...VARS, tmp: 'tmp/x' });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.errors[0]!.message, /\$\{tmp\} is "tmp\/x", not an absolute path/);
});
