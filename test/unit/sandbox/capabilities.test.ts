// The verdict `corral doctor` prints, and the mode `corral exec` and the extension host choose,
// for every kind of machine they may meet (docs/platforms.md, the capability matrix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assessCapabilities,
  checkReportSchema,
  explainMissing,
  type CgroupLimits,
  type CheckReport,
} from '../../../app/sandbox/capabilities.ts';

const ok = { ok: true };
const all: CheckReport = {
  version: 1,
  arch: 'x86_64',
  kernel: '6.18.0',
  layers: {
    user: ok,
    mount: ok,
    pid: ok,
    net: ok,
    ipc: ok,
    uts: ok,
    cgroup: ok,
    landlock: { ok: true, abi: 7 },
    seccomp: ok,
    seccompNotify: ok,
    noNewPrivs: ok,
  },
};

const USERNS_HINT =
  'enable unprivileged user namespaces (user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0)';
const APPARMOR_HINT =
  "AppArmor restricts unprivileged user namespaces: give corral-sandbox a profile with 'userns,' or set kernel.apparmor_restrict_unprivileged_userns=0";
const NAMESPACES = ['mount', 'pid', 'net', 'ipc', 'uts', 'cgroup'] as const;

/** A machine: `all` with some layers replaced. */
function machine(layers: Partial<CheckReport['layers']>): CheckReport {
  return { ...all, layers: { ...all.layers, ...layers } };
}
const missing = (errno: string, hint: string) => ({ ok: false, reason: `${errno}; hint: ${hint}` });
/** user.max_user_namespaces=0, as an unprivileged user sees it: the rest fail for want of it. */
const usernsDisabled = {
  user: missing('No space left on device', USERNS_HINT),
  ...Object.fromEntries(
    NAMESPACES.map((n) => [n, missing('Operation not permitted', USERNS_HINT)]),
  ),
};
/** Ubuntu 23.10+: the user namespace is made, without capabilities, so nothing else is. */
const apparmorRestricted = Object.fromEntries(
  NAMESPACES.map((n) => [n, missing('Operation not permitted', APPARMOR_HINT)]),
);

const table: [string, Partial<CheckReport['layers']>, 'full' | 'reduced' | 'refused'][] = [
  ['every layer (Linux 6.12+)', {}, 'full'],
  [
    'Landlock ABI 1 with namespaces (Linux 5.13): full, the namespaces confine',
    { landlock: { ok: true, abi: 1 } },
    'full',
  ],
  ['user.max_user_namespaces=0', usernsDisabled, 'reduced'],
  ['AppArmor-restricted user namespaces', apparmorRestricted, 'reduced'],
  [
    'no user namespaces, Landlock ABI 4 (Linux 6.7)',
    { ...usernsDisabled, landlock: { ok: true, abi: 4 } },
    'reduced',
  ],
  [
    'no user namespaces, Landlock ABI 3 (Linux 6.2): too old',
    { ...usernsDisabled, landlock: { ok: true, abi: 3 } },
    'refused',
  ],
  [
    'no user namespaces, no Landlock',
    { ...usernsDisabled, landlock: missing('Operation not supported', 'Linux >= 6.7') },
    'refused',
  ],
  [
    'no Landlock at all, even with namespaces',
    { landlock: missing('Operation not supported', 'Linux >= 5.13') },
    'refused',
  ],
  [
    'no seccomp notification',
    { seccompNotify: missing('Invalid argument', 'Linux >= 5.0') },
    'refused',
  ],
  [
    'no user namespaces and no seccomp',
    {
      ...usernsDisabled,
      seccomp: missing('Invalid argument', 'x'),
      seccompNotify: missing('Invalid argument', 'x'),
    },
    'refused',
  ],
  ['no no_new_privs', { noNewPrivs: missing('Invalid argument', 'Linux >= 3.5') }, 'refused'],
];

for (const [name, layers, mode] of table) {
  test(`${name}: ${mode}`, () => {
    const v = assessCapabilities(machine(layers), 'none');
    assert.equal(v.mode, mode, v.summary);
    assert.equal(v.degradations.length > 0, mode === 'reduced');
    assert.equal(v.remedies.length > 0, mode !== 'full');
    // Every missing layer says why, and every remedy says how.
    for (const l of v.layers.filter((x) => !x.ok)) assert.ok(l.detail.length > 0, l.layer);
    for (const r of v.remedies) assert.match(r, /^[a-zA-Z]+( ABI \d+)?[: ]/);
  });
}

test('the memory layer in force is named in words, for each cgroup the helper found', () => {
  const layer = (cgroupLimits: CgroupLimits) => assessCapabilities(all, cgroupLimits).memoryLayer;
  assert.match(layer('v1'), /^cgroup v1: all the memory a sandbox can pin is summed/);
  assert.match(layer('v2'), /^cgroup v2 \(delegated\): .*no swap/);
  assert.match(layer('none'), /^no cgroup for this user: .*RLIMIT_DATA.*refused/);
  const refused = machine({ landlock: { ok: false, reason: 'Operation not supported' } });
  assert.equal(assessCapabilities(refused, 'none').memoryLayer, layer('none'), 'in every mode');
});

test('every layer present: full mode, Landlock ABI shown', () => {
  const v = assessCapabilities(all, 'none');
  assert.match(v.layers.find((l) => l.layer === 'landlock')!.detail, /ABI 7/);
  assert.deepEqual(v.remedies, []);
});

test('user namespaces disabled: reduced mode, each degradation stated, one remedy for full mode', () => {
  const v = assessCapabilities(machine(usernsDisabled), 'none');
  assert.match(v.summary, /reduced mode, confined by Landlock ABI 7/);
  for (const words of [/names, sizes and dates/, /No direct network/, /private \/tmp/, /SIGKILL/])
    assert.ok(
      v.degradations.some((d) => words.test(d)),
      `${words} in ${v.degradations.join('|')}`,
    );
  assert.ok(!v.degradations.some((d) => /scope signals/.test(d)), 'ABI 7 scopes signals');
  assert.equal(v.remedies.length, 1, v.remedies.join('\n'));
  assert.match(
    v.remedies[0]!,
    /^user: user\.max_user_namespaces is 0.*user\.max_user_namespaces > 0/,
  );
  assert.equal(
    v.layers.find((l) => l.layer === 'pid')!.detail,
    'needs the user namespace (Operation not permitted)',
  );
});

test('reduced mode below Landlock ABI 6 says that seccomp checks the signals', () => {
  const v = assessCapabilities(
    machine({ ...usernsDisabled, landlock: { ok: true, abi: 5 } }),
    'none',
  );
  assert.equal(v.mode, 'reduced');
  assert.ok(v.degradations.some((d) => /ABI 5 does not scope signals/.test(d)));
});

test('AppArmor: the cause in plain words, once, with the way out', () => {
  const v = assessCapabilities(machine(apparmorRestricted), 'none');
  assert.equal(v.remedies.length, 1, v.remedies.join('\n'));
  assert.match(v.remedies[0]!, /AppArmor restricts unprivileged user namespaces \(Ubuntu 23\.10/);
  assert.match(v.remedies[0]!, /apparmor_restrict_unprivileged_userns=0/);
});

test('Landlock too old for reduced mode: refused, naming the ABI and the kernel needed', () => {
  const v = assessCapabilities(
    machine({ ...usernsDisabled, landlock: { ok: true, abi: 3 } }),
    'none',
  );
  assert.match(v.summary, /^Nothing can be sandboxed here: landlock ABI 3 is too old/);
  assert.match(v.layers.find((l) => l.layer === 'landlock')!.detail, /reduced mode needs ABI 4/);
  assert.ok(v.remedies.some((r) => /Linux 6\.7/.test(r)));
  assert.ok(v.remedies.some((r) => /^user:/.test(r)));
});

test('no Landlock: the cause in plain words', () => {
  assert.deepEqual(explainMissing('landlock', 'Operation not supported; hint: Linux >= 6.7'), {
    cause:
      'the kernel has no Landlock, or it is not in the lsm= boot parameter (Operation not supported)',
    hint: 'Linux >= 6.7',
  });
  assert.deepEqual(explainMissing('seccomp', undefined), { cause: 'not available' });
});

test("a report that is not the helper's format is refused by the schema", () => {
  assert.equal(checkReportSchema.safeParse({ version: 2 }).success, false);
  assert.equal(checkReportSchema.safeParse(all).success, true);
});
