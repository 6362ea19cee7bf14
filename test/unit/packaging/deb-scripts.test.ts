// The deb's maintainer scripts and AppArmor profile, as electron-builder renders them: the profile
// grants user namespaces to the helper alone, at the path the deb installs it; postinst and postrm
// are run against a temporary root ($DPKG_ROOT) with the system tools replaced by recorders, on
// an Ubuntu 24.04-like, a Debian 12-like and an Ubuntu 22.04-like machine. (Loading the profile
// into a live kernel is the one branch left out: it needs the real /etc and AppArmor.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
/** What electron-builder fills in for Corral (productName Corral, linux.executableName corral). */
const MACROS = { executable: 'corral', sanitizedProductName: 'Corral', productFilename: 'Corral' };

/** Renders a template as electron-builder's FpmTarget does; an unknown macro is an error there too. */
function render(file: string): string {
  return readFileSync(join(root, file), 'utf8').replace(
    /\$\{([a-zA-Z]+)\}/g,
    (_m, name: string) => {
      assert.ok(
        Object.hasOwn(MACROS, name),
        `${file} uses \${${name}}, which electron-builder does not define`,
      );
      return MACROS[name as keyof typeof MACROS];
    },
  );
}

const postinst = render('packaging/linux/postinst');
const postrm = render('packaging/linux/postrm');
const profile = render('packaging/linux/corral-sandbox.apparmor');

test('the profile grants userns to the helper, at the deb path, and nothing else', () => {
  assert.match(profile, /^abi <abi\/4\.0>,$/m);
  assert.match(profile, /^include <tunables\/global>$/m);
  const body = profile.match(/^profile (\S+) (\S+) flags=\(unconfined\) \{\n([\s\S]*?)\n\}\n?$/m);
  assert.ok(body, 'one profile block');
  const [, name, attach, rules] = body;
  assert.equal(name, 'corral-sandbox');
  // The deb installs the app in /opt/Corral; extraResources puts the helper in resources/.
  assert.equal(attach, '/opt/Corral/resources/corral-sandbox');
  const lines = rules!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual(lines, ['userns,', 'include if exists <local/corral-sandbox>']);
  assert.doesNotMatch(profile, /^\s*#include/m, 'a comment never reads as the old include syntax');
  assert.equal((profile.match(/^profile /gm) ?? []).length, 1, 'no profile for the app binary');
});

test('the scripts parse, and shellcheck finds nothing in them as rendered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-deb-lint-'));
  for (const [name, text] of [
    ['postinst', postinst],
    ['postrm', postrm],
  ] as const) {
    writeFileSync(join(dir, name), text);
    const parsed = spawnSync('bash', ['-n', join(dir, name)], { encoding: 'utf8' });
    assert.equal(parsed.status, 0, parsed.stderr);
    const lint = spawnSync('shellcheck', ['-s', 'bash', join(dir, name)], { encoding: 'utf8' });
    assert.notEqual(
      lint.error?.message.includes('ENOENT'),
      true,
      'install shellcheck (apt-get install shellcheck)',
    );
    assert.equal(lint.status, 0, lint.stdout);
  }
});

interface Machine {
  /** /proc/sys values; a missing key is a missing file. */
  sysctl: Record<string, string>;
  apparmor: 'on' | 'off';
  /** Whether this AppArmor's parser reads the profile (AppArmor 4). */
  parserReadsProfile: boolean;
  alternatives: boolean;
}

const UBUNTU_2404: Machine = {
  sysctl: {
    'user/max_user_namespaces': '63000',
    'kernel/unprivileged_userns_clone': '1',
    'kernel/apparmor_restrict_unprivileged_userns': '1',
  },
  apparmor: 'on',
  parserReadsProfile: true,
  alternatives: true,
};
const DEBIAN_12: Machine = {
  sysctl: { 'user/max_user_namespaces': '63000', 'kernel/unprivileged_userns_clone': '1' },
  apparmor: 'off',
  parserReadsProfile: false,
  alternatives: true,
};
const UBUNTU_2204: Machine = {
  sysctl: { 'user/max_user_namespaces': '63000', 'kernel/unprivileged_userns_clone': '1' },
  apparmor: 'on',
  parserReadsProfile: false,
  alternatives: true,
};

/** An installed Corral under a temporary root, with the system tools replaced by recorders. */
function installed(machine: Machine) {
  const base = mkdtempSync(join(tmpdir(), 'corral-deb-'));
  const target = join(base, 'root');
  const app = join(target, 'opt', 'Corral');
  mkdirSync(join(app, 'resources'), { recursive: true });
  for (const f of ['corral', 'chrome-sandbox', 'resources/corral-sandbox']) {
    writeFileSync(join(app, f), '');
    chmodSync(join(app, f), 0o755);
  }
  writeFileSync(join(app, 'resources', 'apparmor-profile'), profile);
  for (const [key, value] of Object.entries(machine.sysctl)) {
    mkdirSync(dirname(join(target, 'proc', 'sys', key)), { recursive: true });
    writeFileSync(join(target, 'proc', 'sys', key), `${value}\n`);
  }
  // Only these programs exist: recorders for the system tools, and the few coreutils used.
  const bin = join(base, 'bin');
  mkdirSync(bin);
  const log = join(base, 'calls.log');
  const recorder = (name: string, body = '') =>
    writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >> '${log}'\n${body}\n`, {
      mode: 0o755,
    });
  if (machine.alternatives) recorder('update-alternatives');
  recorder('update-mime-database');
  recorder('update-desktop-database');
  recorder('apparmor_status', `[ '${machine.apparmor}' = on ]`);
  recorder(
    'apparmor_parser',
    `case " $* " in *" --skip-kernel-load "*) [ '${machine.parserReadsProfile}' = true ] ;; esac`,
  );
  for (const tool of ['cat', 'chmod', 'readlink', 'mkdir', 'ln', 'cp', 'rm']) {
    symlinkSync(join('/usr/bin', tool), join(bin, tool));
  }
  const run = (script: string, ...args: string[]) => {
    const file = join(base, 'script');
    writeFileSync(file, script, { mode: 0o755 });
    return spawnSync('/bin/bash', [file, ...args], {
      encoding: 'utf8',
      env: { PATH: bin, DPKG_ROOT: target },
    });
  };
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  const mode = (path: string) => statSync(join(target, path)).mode & 0o7777;
  return { target, app, run, calls, mode };
}

test('Ubuntu 24.04: the profile is installed, chrome-sandbox is setuid, corral is on PATH', () => {
  const m = installed(UBUNTU_2404);
  const result = m.run(postinst, 'configure');
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.equal(
    readFileSync(join(m.target, 'etc', 'apparmor.d', 'corral-sandbox'), 'utf8'),
    profile,
  );
  assert.equal(m.mode('opt/Corral/chrome-sandbox'), 0o4755);
  assert.deepEqual(m.calls(), [
    'update-alternatives --install /usr/bin/corral corral /opt/Corral/corral 100',
    `update-mime-database ${m.target}/usr/share/mime`,
    `update-desktop-database ${m.target}/usr/share/applications`,
    'apparmor_status --enabled',
    `apparmor_parser --skip-kernel-load --debug ${m.target}/opt/Corral/resources/apparmor-profile`,
  ]);
  // Installing into another root never loads the profile into the running kernel.
  assert.ok(!m.calls().some((c) => c.includes('--replace')));
});

test('Debian 12: namespaces are open, so no setuid and no profile', () => {
  const m = installed(DEBIAN_12);
  const result = m.run(postinst, 'configure');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(m.mode('opt/Corral/chrome-sandbox'), 0o755);
  assert.ok(!existsSync(join(m.target, 'etc', 'apparmor.d', 'corral-sandbox')));
  assert.ok(!m.calls().some((c) => c.startsWith('apparmor_parser')));
});

test('Ubuntu 22.04: AppArmor 3 cannot read the profile; it is skipped with one line', () => {
  const m = installed(UBUNTU_2204);
  const result = m.run(postinst, 'configure');
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Corral: this AppArmor cannot read the sandbox helper's profile .*\n$/,
  );
  assert.ok(!existsSync(join(m.target, 'etc', 'apparmor.d', 'corral-sandbox')));
  assert.equal(m.mode('opt/Corral/chrome-sandbox'), 0o755);
});

test('namespaces switched off, or no /proc to tell: chrome-sandbox is setuid', () => {
  for (const sysctl of [
    { 'user/max_user_namespaces': '0' } as Record<string, string>,
    { 'user/max_user_namespaces': '63000', 'kernel/unprivileged_userns_clone': '0' },
    {},
  ]) {
    const m = installed({ ...DEBIAN_12, sysctl });
    assert.equal(m.run(postinst, 'configure').status, 0);
    assert.equal(m.mode('opt/Corral/chrome-sandbox'), 0o4755, JSON.stringify(sysctl));
  }
});

test('without update-alternatives, a plain link; an old plain link is replaced by alternatives', () => {
  const plain = installed({ ...DEBIAN_12, alternatives: false });
  assert.equal(plain.run(postinst, 'configure').status, 0);
  assert.equal(readlinkSync(join(plain.target, 'usr', 'bin', 'corral')), '/opt/Corral/corral');
  const old = installed(DEBIAN_12);
  mkdirSync(join(old.target, 'usr', 'bin'), { recursive: true });
  symlinkSync('/opt/Corral-old/corral', join(old.target, 'usr', 'bin', 'corral'));
  assert.equal(old.run(postinst, 'configure').status, 0);
  assert.throws(() => lstatSync(join(old.target, 'usr', 'bin', 'corral')), /ENOENT/);
  assert.ok(old.calls()[0]!.startsWith('update-alternatives --install'));
});

test('postrm remove takes the link and the profile away; upgrade leaves both', () => {
  const m = installed(UBUNTU_2404);
  assert.equal(m.run(postinst, 'configure').status, 0);
  const installedProfile = join(m.target, 'etc', 'apparmor.d', 'corral-sandbox');
  assert.ok(existsSync(installedProfile), 'the positive control: postinst installed it');
  const before = m.calls().length;
  const upgrade = m.run(postrm, 'upgrade', '0.1.1');
  assert.equal(upgrade.status, 0, upgrade.stderr);
  assert.ok(existsSync(installedProfile), 'an upgrade keeps the profile');
  assert.equal(m.calls().length, before, 'an upgrade calls nothing');
  const remove = m.run(postrm, 'remove');
  assert.equal(remove.status, 0, remove.stderr);
  assert.ok(!existsSync(installedProfile));
  assert.deepEqual(m.calls().slice(before), [
    'update-alternatives --remove corral /opt/Corral/corral',
  ]);
  assert.equal(m.run(postrm, 'purge').status, 0, 'purge after remove finds nothing left to do');
});

test('postrm without update-alternatives removes the plain link', () => {
  const m = installed({ ...DEBIAN_12, alternatives: false });
  assert.equal(m.run(postinst, 'configure').status, 0);
  assert.ok(lstatSync(join(m.target, 'usr', 'bin', 'corral')).isSymbolicLink());
  assert.equal(m.run(postrm, 'remove').status, 0);
  assert.throws(() => lstatSync(join(m.target, 'usr', 'bin', 'corral')), /ENOENT/);
});
