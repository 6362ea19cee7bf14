// The permission diff of an update: what needs consent again and what does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffPermissions } from '../../../app/consent/diff.ts';
import { formatDiff } from '../../../app/cli/install.ts';
import type { ManifestLimits, Permissions, PolicyInput } from '../../../app/policy/manifest.ts';

function p(
  permissions: Permissions,
  optionalPermissions: Permissions = {},
  limits: ManifestLimits = {},
): PolicyInput {
  return { permissions, optionalPermissions, limits };
}
const ws = { path: '${workspace}', access: 'read' as const };

test('each kind of change, and whether it needs consent', () => {
  const cases: [string, PolicyInput, PolicyInput, string[], boolean][] = [
    [
      'nothing changes',
      p({ fs: [ws] }),
      p({ fs: [{ path: '${workspace}/', access: 'read' }] }),
      [],
      false,
    ],
    [
      'a grant added',
      p({ fs: [ws] }),
      p({ fs: [ws], net: [{ host: 'api.x.com' }] }),
      ['added net[0]'],
      true,
    ],
    [
      'a grant removed',
      p({ fs: [ws], process: { spawn: true } }),
      p({ fs: [ws] }),
      ['removed process.spawn'],
      false,
    ],
    [
      'read becomes write',
      p({ fs: [ws] }),
      p({ fs: [{ path: '${workspace}', access: 'write' }] }),
      ['widened fs[0]'],
      true,
    ],
    [
      'write becomes read',
      p({ fs: [{ path: '${workspace}', access: 'write' }] }),
      p({ fs: [ws] }),
      ['narrowed fs[0]'],
      false,
    ],
    [
      'a port added',
      p({ net: [{ host: 'a.com' }] }),
      p({ net: [{ host: 'A.com', ports: [443, 80] }] }),
      ['widened net[0]'],
      true,
    ],
    [
      'a port dropped',
      p({ net: [{ host: 'a.com', ports: [443, 80] }] }),
      p({ net: [{ host: 'a.com' }] }),
      ['narrowed net[0]'],
      false,
    ],
    [
      'ipc publish becomes both',
      p({ ipc: [{ channel: 'c', access: 'publish' }] }),
      p({ ipc: [{ channel: 'c', access: 'both' }] }),
      ['widened ipc[0]'],
      true,
    ],
    ['optional becomes required', p({}, { fs: [ws] }), p({ fs: [ws] }), ['widened fs[0]'], true],
    [
      'required becomes optional',
      p({ fs: [ws] }),
      p({}, { fs: [ws] }),
      ['narrowed optional fs[0]'],
      false,
    ],
    [
      'a new optional grant',
      p({ fs: [ws] }),
      p({ fs: [ws] }, { fs: [{ path: '${downloads}', access: 'read' }] }),
      ['added optional fs[0]'],
      true,
    ],
    [
      'a subfolder of a granted folder',
      p({ fs: [ws] }),
      p({ fs: [ws, { path: '${workspace}/src', access: 'read' }] }),
      [],
      false,
    ],
    [
      'write to a subfolder of a read grant',
      p({ fs: [ws] }),
      p({ fs: [ws, { path: '${workspace}/out', access: 'write' }] }),
      ['added fs[1]'],
      true,
    ],
  ];
  for (const [what, before, after, changes, needsConsent] of cases) {
    const diff = diffPermissions(before, after);
    assert.deepEqual(
      diff.grants.map((g) => `${g.change} ${g.item.grant}`),
      changes,
      what,
    );
    assert.equal(diff.needsConsent, needsConsent, what);
  }
});

test('limits raised need consent, limits lowered do not; defaults count', () => {
  const raised = diffPermissions(p({}, {}, { memoryMB: 256 }), p({}, {}, { memoryMB: 1024 }));
  assert.deepEqual(raised.limits, [{ limit: 'memoryMB', from: 256, to: 1024, raised: true }]);
  assert.equal(raised.needsConsent, true);
  const lowered = diffPermissions(p({}, {}, {}), p({}, {}, { pids: 16 }));
  assert.deepEqual(lowered.limits, [{ limit: 'pids', from: 64, to: 16, raised: false }]);
  assert.equal(lowered.needsConsent, false);
  assert.deepEqual(diffPermissions(p({}, {}, {}), p({}, {}, { cpuPercent: 100 })).limits, []);
});

test('the changed grant carries both sentences', () => {
  const diff = diffPermissions(
    p({ fs: [ws] }),
    p({ fs: [{ path: '${workspace}', access: 'write' }] }),
  );
  assert.equal(
    diff.grants[0]!.before!.sentence,
    'Read files in your workspace (the folder you open)',
  );
  assert.equal(
    diff.grants[0]!.item.sentence,
    'Read and change files in your workspace (the folder you open)',
  );
});

test('a second entry for a host on another port is a new permission, shown with its port (issue 13)', () => {
  const v1 = p({ net: [{ host: '127.0.0.1', ports: [8765] }] });
  const v2 = p({
    net: [
      { host: '127.0.0.1', ports: [8765] },
      { host: '127.0.0.1', ports: [8766] },
    ],
  });
  const diff = diffPermissions(v1, v2);
  // What the person reads before consenting names the new port.
  const text = formatDiff(diff);
  assert.match(
    text,
    /on ports 8765, 8766 \(was: Connect to the address 127\.0\.0\.1 on port 8765\)/,
  );
  assert.match(text, /adds: connect 127\.0\.0\.1:8766/);
  assert.equal(diff.needsConsent, true);
  assert.deepEqual(
    diff.grants.map((g) => [g.change, g.rules]),
    [['widened', ['connect 127.0.0.1:8766']]],
  );
  assert.deepEqual(diff.unchanged, ['connect 127.0.0.1:8765']);
  // Positive control: the same entries in one grant are no change at all.
  const same = diffPermissions(v2, p({ net: [{ host: '127.0.0.1', ports: [8766, 8765] }] }));
  assert.deepEqual(same.grants, []);
  assert.equal(same.needsConsent, false);
});

test('entries are compared by what they grant, wherever they sit in the lists', () => {
  const a = p({
    fs: [
      { path: '${documents}/b', access: 'read' },
      { path: '${workspace}', access: 'write' },
    ],
    ipc: [
      { channel: 'c.one', access: 'publish' },
      { channel: 'c.one', access: 'subscribe' },
    ],
  });
  const reordered = p({
    fs: [
      { path: '${workspace}', access: 'write' },
      { path: '${documents}/b', access: 'read' },
    ],
    ipc: [{ channel: 'c.one', access: 'both' }],
  });
  assert.deepEqual(diffPermissions(a, reordered).grants, []);
  // A port moved from one entry to another of the same host is no change either; a port that
  // moves from required to optional is a narrowing, and back a widening.
  const moved = diffPermissions(
    p({ net: [{ host: 'a.com', ports: [443, 8443] }] }),
    p({ net: [{ host: 'a.com', ports: [443] }] }, { net: [{ host: 'a.com', ports: [8443] }] }),
  );
  assert.deepEqual(
    moved.grants.map((g) => [g.change, g.rules]),
    [['narrowed', ['connect a.com:8443']]],
  );
  const back = diffPermissions(
    p({ net: [{ host: 'a.com', ports: [443] }] }, { net: [{ host: 'a.com', ports: [8443] }] }),
    p({ net: [{ host: 'a.com', ports: [443, 8443] }] }),
  );
  assert.deepEqual(
    back.grants.map((g) => [g.change, g.rules]),
    [['widened', ['connect a.com:8443']]],
  );
  assert.equal(back.needsConsent, true);
});

test('a host under a wildcard the old version granted is not new; the wildcard itself is', () => {
  const wild = p({ net: [{ host: '*.x.com' }] });
  assert.deepEqual(
    diffPermissions(wild, p({ net: [{ host: '*.x.com' }, { host: 'api.x.com' }] })).grants,
    [],
  );
  const widened = diffPermissions(p({ net: [{ host: 'api.x.com' }] }), wild);
  assert.deepEqual(
    widened.grants.map((g) => [g.change, g.rules]),
    [['added', ['connect *.x.com:443']]],
  );
  assert.equal(widened.needsConsent, true);
});
