// The learning run's proposal: the smallest permissions that allow what was seen, named by the
// deepest path variable, against the current manifest; the kernel's refusals count too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LearningRecorder } from '../../../../app/service/dev/learning-run.ts';
import type { PolicyInput } from '../../../../app/policy/manifest.ts';
import type { PathVariables } from '../../../../app/policy/variables.ts';

const root = mkdtempSync(join(tmpdir(), 'corral-learn-'));
const vars: PathVariables = {
  workspace: join(root, 'ws'),
  home: join(root, 'home'),
  documents: join(root, 'home', 'Documents'),
  downloads: join(root, 'home', 'Downloads'),
  extensionData: join(root, 'data'),
  tmp: join(root, 'tmp'),
};
for (const folder of Object.values(vars)) mkdirSync(folder!, { recursive: true });
mkdirSync(join(root, 'ws', 'out'));
writeFileSync(join(root, 'ws', 'a.md'), 'a');

const denied = { decision: 'deny' as const, reason: 'no grant covers it' };
const empty: PolicyInput = { permissions: {}, optionalPermissions: {} } as PolicyInput;
const recorder = () => new LearningRecorder(() => vars);

test('nothing seen, nothing proposed', () => {
  const p = recorder().propose(empty);
  assert.deepEqual(p.permissions, {});
  assert.deepEqual(p.rules, []);
});

test("files: the file's folder, under the deepest variable; a write covers reads below it", () => {
  const r = recorder();
  r.observe({ kind: 'fs', op: 'read', path: join(root, 'ws', 'a.md') }, denied);
  r.observe({ kind: 'fs', op: 'write', path: join(root, 'ws', 'out', 'b.txt') }, denied);
  r.observe({ kind: 'fs', op: 'read', path: join(root, 'ws', 'out', 'c.txt') }, denied);
  r.observe({ kind: 'fs', op: 'list', path: vars.documents }, denied);
  // Its own folders are always granted: never proposed.
  r.observe({ kind: 'fs', op: 'write', path: join(vars.extensionData, 's.json') }, denied);
  assert.deepEqual(r.propose(empty).permissions.fs, [
    { path: '${documents}', access: 'read' },
    { path: '${workspace}', access: 'read' },
    { path: '${workspace}/out', access: 'write' },
  ]);
});

test('outside every variable: a note naming what was tried, never a grant', () => {
  const r = recorder();
  r.observe({ kind: 'fs', op: 'read', path: '/etc/shadow' }, denied);
  const p = r.propose(empty);
  assert.equal(p.permissions.fs, undefined);
  assert.deepEqual(p.notes, [
    '/etc/shadow was tried and is not proposed: it lies outside every folder a manifest names (${workspace}, ${documents}…)',
  ]);
});

test('hosts with their ports (443 alone is the default), channels with their directions', () => {
  const r = recorder();
  r.observe({ kind: 'net', host: 'api.example.com', port: 443 }, denied);
  r.observe({ kind: 'net', host: 'cdn.example.com', port: 8443 }, denied);
  r.observe({ kind: 'ipc', channel: 'a.b', direction: 'publish' }, denied);
  r.observe({ kind: 'ipc', channel: 'a.b', direction: 'subscribe' }, denied);
  r.observe({ kind: 'ipc', channel: 'c.d', direction: 'subscribe' }, denied);
  const p = r.propose(empty);
  assert.deepEqual(p.permissions.net, [
    { host: 'api.example.com' },
    { host: 'cdn.example.com', ports: [8443] },
  ]);
  assert.deepEqual(p.permissions.ipc, [
    { channel: 'a.b', access: 'both' },
    { channel: 'c.d', access: 'subscribe' },
  ]);
});

test("the kernel's refusals: a refused execve proposes spawn; a refused socket is only a note", () => {
  const r = recorder();
  r.kernelDenial('socket');
  assert.equal(r.propose(empty).permissions.process, undefined);
  assert.match(r.propose(empty).notes.join('\n'), /a socket\(\) call was refused/);
  r.kernelDenial('execve');
  assert.deepEqual(r.propose(empty).permissions.process, { spawn: true });
});

test('what the extension asked for at run time becomes optional, with what it then used', () => {
  const r = recorder();
  r.requested({ fs: [{ path: '${downloads}', access: 'read' }] });
  r.observe({ kind: 'fs', op: 'list', path: vars.downloads }, denied);
  const p = r.propose(empty);
  assert.equal(p.permissions.fs, undefined);
  assert.deepEqual(p.optionalPermissions.fs, [{ path: '${downloads}', access: 'read' }]);
  assert.deepEqual(p.rules, ['optional read ${downloads}']);
});

test('the diff against the manifest: kept, added, and what it grants that was never used', () => {
  const r = recorder();
  r.observe({ kind: 'fs', op: 'read', path: join(root, 'ws', 'a.md') }, denied);
  r.observe({ kind: 'net', host: 'api.example.com', port: 443 }, denied);
  const current = {
    permissions: {
      fs: [{ path: '${workspace}', access: 'read' }],
      process: { spawn: true },
    },
    optionalPermissions: {},
  } as PolicyInput;
  const diff = r.propose(current).diff;
  assert.ok(diff.includes('  read ${workspace}'), diff.join('\n'));
  assert.ok(diff.includes('+ connect api.example.com:443'), diff.join('\n'));
  assert.ok(
    diff.some((l) => l.startsWith('- ') && /spawn/.test(l)),
    diff.join('\n'),
  );
});
