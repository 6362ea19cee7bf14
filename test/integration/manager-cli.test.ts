// The extension manager's commands end to end, as a user types them: the built CLI, packages made
// by GNU tar and Python's zipfile, the consent question in a real terminal, signatures made with
// `corral sign`. The manager does not depend on the sandbox's user, so this suite runs in the
// first pass only (runtime behaviour is in manager-live.test.ts, which runs in both).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corral, corralInTerminal } from '../unit/manager/cli.ts';
import { extensionFiles, gzip, tarArchive, tarOf, writeFolder } from '../unit/manager/archives.ts';

const repo = new URL('../..', import.meta.url).pathname;
// nobody-pass: not needed (the manager does not depend on the sandbox user; test/run.mjs).
const ID = 'corral-examples.word-count';

let root: string;
let wordCount: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'corral-manager-cli-'));
  wordCount = join(root, 'word-count');
  cpSync(join(repo, 'examples/word-count'), wordCount, { recursive: true });
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh data folder for one test: `corral` bound to it. */
function fresh(name: string) {
  const home = join(root, name);
  mkdirSync(home);
  return {
    home,
    run: (...args: string[]) => corral(home, args),
    list: () =>
      JSON.parse(corral(home, ['list', '--json']).stdout) as {
        id: string;
        version: string;
        state: string;
        signature: { status: string };
        grants: string[];
        revoked: string[];
        previous: string | null;
        pending: string | null;
      }[],
    onDisk: () => {
      const ext = join(home, 'data/corral/extensions');
      return existsSync(ext)
        ? readdirSync(ext)
            .flatMap((n) => readdirSync(join(ext, n)).map((v) => `${n}/${v}`))
            .sort()
        : [];
    },
  };
}

test('installs from a folder, a GNU tar .tgz and a Python .zip; list shows them', () => {
  const s = fresh('formats');
  const folder = s.run('install', wordCount, '--yes');
  assert.equal(folder.status, 0, folder.stderr);
  assert.match(folder.stdout, /corral-examples.word-count 1.0.0 by corral-examples: unsigned/);
  assert.match(
    folder.stdout,
    /It will be able to:\n {2}low +Read files in your workspace \(the folder you open\)\n/,
  );
  assert.match(
    folder.stdout,
    /installed corral-examples.word-count 1.0.0 in .*extensions\/corral-examples.word-count\/1.0.0/,
  );

  const tgz = join(root, 'wc.tgz');
  execFileSync('tar', ['czf', tgz, '-C', join(root), 'word-count']);
  const zip = join(root, 'wc.zip');
  execFileSync('python3', ['-m', 'zipfile', '-c', zip, 'word-count'], { cwd: root });
  for (const pkg of [tgz, zip]) {
    const again = s.run('install', pkg, '--yes');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /is installed already \(same files\); nothing to do/, pkg);
  }
  const other = fresh('zip-first');
  assert.equal(other.run('install', zip, '--yes').status, 0);
  const [entry] = other.list();
  assert.deepEqual(
    [entry!.id, entry!.version, entry!.state, entry!.signature.status, entry!.grants],
    [ID, '1.0.0', 'enabled', 'unsigned', ['read ${workspace}']],
  );
  const table = other.run('list');
  assert.match(
    table.stdout,
    /^ID +VERSION +STATE +SIGNATURE\ncorral-examples.word-count +1.0.0 +enabled +unsigned\n +grants: read \$\{workspace\}\n$/,
  );
});

test('a hostile package is refused in one line and nothing is installed', () => {
  const s = fresh('hostile');
  const files = extensionFiles();
  const slip = join(root, 'slip.tgz');
  writeFileSync(
    slip,
    gzip(tarArchive([...tarOf(files), { name: '../../evil.sh', data: 'rm -rf ~' }])),
  );
  const r = s.run('install', slip, '--yes');
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `corral install: ${slip}: entry "../../evil.sh" leaves the package ("..")\n`,
  );
  assert.equal(r.stdout, '');
  const bomb = join(root, 'bomb.tgz');
  writeFileSync(
    bomb,
    gzip(tarArchive([...tarOf(files), { name: 'zeros', data: Buffer.alloc(50 * 1024 * 1024) }])),
  );
  const b = s.run('install', bomb, '--yes');
  assert.equal(b.status, 1);
  assert.match(
    b.stderr,
    /^corral install: .*bomb.tgz: expands more than 100 times \(a decompression bomb\); fix: .*\n$/,
  );
  const bad = writeFolder(
    join(root, 'bad-manifest'),
    extensionFiles({ permissions: { fs: [{ path: '~/.ssh', access: 'read' }] } }),
  );
  const m = s.run('install', bad, '--yes');
  assert.equal(m.status, 1);
  assert.match(
    m.stderr,
    /^corral install: .*bad-manifest\/corral.json: \/permissions\/fs\/0\/path: "~\/.ssh" starts with "~", which is not expanded; fix: write "\$\{home\}\/.ssh"\n$/,
  );
  assert.deepEqual(s.list(), []);
  assert.deepEqual(s.onDisk(), []);
});

test('consent: no terminal and no --yes installs nothing; in a terminal "n" refuses and "y" installs', () => {
  const s = fresh('consent');
  const r = s.run('install', wordCount);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Read files in your workspace/, 'the summary is shown before refusing');
  assert.match(
    r.stderr,
    /nothing installed: installing needs your consent; fix: run it in a terminal to answer, or add --yes/,
  );
  assert.deepEqual(s.list(), []);

  const no = corralInTerminal(s.home, ['install', wordCount], 'n\n');
  assert.match(
    no.stdout,
    /Install corral-examples.word-count 1.0.0 with these permissions\? \[y\/N\]/,
  );
  assert.match(no.stdout, /nothing installed: you did not consent/);
  assert.equal(no.status, 1);
  assert.deepEqual(s.list(), []);
  assert.deepEqual(s.onDisk(), []);

  const yes = corralInTerminal(s.home, ['install', wordCount], 'y\n');
  assert.equal(yes.status, 0, yes.stdout);
  assert.equal(s.list()[0]?.id, ID);
});

test('an update with a new permission waits (exit 3) until approved; rollback goes back, and only back', () => {
  const s = fresh('update');
  assert.equal(s.run('install', wordCount, '--yes').status, 0);
  const v2 = join(root, 'wc-1.1.0');
  cpSync(wordCount, v2, { recursive: true });
  const manifest = extensionManifest(v2);
  writeFileSync(
    join(v2, 'corral.json'),
    JSON.stringify({
      ...manifest,
      version: '1.1.0',
      permissions: { ...manifest.permissions, net: [{ host: 'api.github.com' }] },
    }),
  );
  const waits = s.run('install', v2);
  assert.equal(waits.status, 3, waits.stderr);
  assert.match(
    waits.stdout,
    /Update corral-examples.word-count 1.0.0 → 1.1.0: unsigned\n.*\nIt asks for more than you consented to:\n {2}\+ medium +Connect to api.github.com \(HTTPS, port 443\)\n/,
  );
  assert.match(
    waits.stderr,
    /waits for your consent to its new permissions; corral-examples.word-count 1.0.0 stays in use; fix: run "corral approve corral-examples.word-count"/,
  );
  assert.deepEqual([s.list()[0]!.version, s.list()[0]!.pending], ['1.0.0', '1.1.0']);
  assert.equal(s.run('approve', ID).status, 3, 'no terminal: still waits');
  const ok = s.run('approve', ID, '--yes');
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(
    [s.list()[0]!.version, s.list()[0]!.previous, s.list()[0]!.pending],
    ['1.1.0', '1.0.0', null],
  );
  const back = s.run('rollback', ID);
  assert.equal(
    back.stdout,
    `${ID} rolled back from 1.1.0 to 1.0.0; 1.1.0 is removed (install it again to return to it)\n`,
  );
  assert.deepEqual(s.list()[0]!.grants, ['read ${workspace}']);
  assert.deepEqual(s.onDisk(), [`${ID}/1.0.0`]);
  // Rollback goes back only: a second one says there is nothing older and changes nothing.
  const again = s.run('rollback', ID);
  assert.equal(again.status, 1);
  assert.equal(again.stdout, '');
  assert.match(
    again.stderr,
    /^corral rollback: corral-examples\.word-count 1\.0\.0 is the oldest version kept, so there is nothing older to roll back to; nothing changed; fix: /,
  );
  assert.equal(s.list()[0]!.version, '1.0.0');
  const older = s.run('install', wordCount, '--yes');
  assert.equal(older.status, 0, 'the same files as the current version: nothing to do');
});

function extensionManifest(dir: string): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(join(dir, 'corral.json'), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
}

test('disable, enable, revoke, quarantine and uninstall; corral run refuses what may not run', () => {
  const s = fresh('states');
  const data = join(s.home, 'data/corral/data', ID);
  assert.equal(s.run('install', wordCount, '--yes').status, 0);
  assert.equal(s.run('disable', ID).stdout, `${ID} 1.0.0 is disabled\n`);
  const refusedRun = s.run('run', ID, '--command', 'wordcount.count');
  assert.equal(refusedRun.status, 1);
  assert.equal(
    refusedRun.stderr,
    `corral run: ${ID} is disabled, so it does not run; fix: run "corral enable ${ID}"\n`,
  );
  assert.equal(s.run('enable', ID).stdout, `${ID} 1.0.0 is enabled\n`);
  const installedMain = join(s.home, 'data/corral/extensions', ID, '1.0.0/dist/index.cjs');
  const original = readFileSync(installedMain);
  writeFileSync(installedMain, '// changed after install\n');
  const tampered = s.run('run', ID, '--command', 'wordcount.count');
  assert.equal(tampered.status, 1);
  assert.match(
    tampered.stderr,
    /^corral run: the files of corral-examples.word-count 1.0.0 in .* changed after it was installed, so it does not run; fix: run "corral uninstall corral-examples.word-count --keep-data" and install it again\n$/,
  );
  writeFileSync(installedMain, original);

  const revoke = s.run('revoke', ID, 'read', '${workspace}');
  assert.equal(revoke.status, 0, revoke.stderr);
  assert.match(revoke.stdout, /revoked "read \$\{workspace\}" \(fs\[0\]\)/);
  assert.deepEqual([s.list()[0]!.grants, s.list()[0]!.revoked], [[], ['read ${workspace}']]);
  const twice = s.run('revoke', ID, 'read ${workspace}');
  assert.equal(twice.status, 1);
  assert.match(
    twice.stderr,
    /has no grant "read \$\{workspace\}" \(it is revoked already\); its grants: none/,
  );
  assert.equal(s.run('revoke', ID, 'read ${workspace}', '--undo').status, 0);

  const q = s.run('quarantine', ID, '--reason', 'reads files it should not');
  assert.equal(q.status, 0, q.stderr);
  assert.match(
    q.stdout,
    /its files are kept for inspection in .*corral-examples.word-count\/1.0.0\n {2}what it did: corral log --ext corral-examples.word-count/,
  );
  assert.equal(s.list()[0]!.state, 'quarantined');
  const qRun = s.run('run', ID);
  assert.match(
    qRun.stderr,
    /^corral run: corral-examples.word-count is quarantined since .* \(reads files it should not\), so it does not run; fix: inspect .*, then run "corral enable corral-examples.word-count --lift-quarantine"\n$/,
  );
  assert.equal(s.run('enable', ID).status, 1);
  assert.equal(s.run('enable', ID, '--lift-quarantine').status, 0);

  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'counts.json'), '{}');
  assert.match(s.run('uninstall', ID, '--keep-data').stdout, /its data stays in /);
  assert.ok(existsSync(join(data, 'counts.json')));
  assert.deepEqual(s.onDisk(), []);
  assert.equal(s.run('install', wordCount, '--yes').status, 0);
  assert.equal(s.run('uninstall', ID).stdout, `uninstalled ${ID} 1.0.0; its data was removed\n`);
  assert.ok(!existsSync(data));
  const gone = s.run('enable', ID);
  assert.equal(
    gone.stderr,
    `corral enable: ${ID} is not installed; fix: run "corral list" for the installed extensions\n`,
  );
  assert.equal(s.run('uninstall').status, 2);
  assert.equal(s.run('install', 'a', 'b').status, 2);
  assert.equal(s.run('revoke', ID).status, 2);
});

test('corral sign, corral trust: a signed package shows as signed; a changed one is refused', () => {
  const s = fresh('trust');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keys = join(s.home, 'keys');
  mkdirSync(keys);
  writeFileSync(join(keys, 'publisher.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(keys, 'publisher.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const pkg = join(s.home, 'wc');
  cpSync(wordCount, pkg, { recursive: true });
  const signed = s.run('sign', pkg, '--key', join(keys, 'publisher.pem'));
  assert.equal(signed.status, 0, signed.stderr);
  assert.ok(existsSync(join(pkg, 'corral.sig')));

  const unknown = s.run('install', pkg, '--yes');
  assert.match(unknown.stdout, /unsigned \(signed with unknown key [0-9a-f]{16}\)/);
  assert.equal(s.run('uninstall', ID).status, 0);

  const trust = s.run(
    'trust',
    'add',
    join(keys, 'publisher.pub'),
    '--publisher',
    'corral-examples',
  );
  assert.match(
    trust.stdout,
    /^trusted key [0-9a-f]{32} for packages of publisher "corral-examples"\n$/,
  );
  assert.match(s.run('trust', 'list').stdout, /corral-examples/);
  const tgz = join(s.home, 'signed.tgz');
  execFileSync('tar', ['czf', tgz, '-C', s.home, 'wc']);
  const good = s.run('install', tgz, '--yes');
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /: signed by corral-examples \(key [0-9a-f]{16}\)/);
  assert.equal(s.list()[0]!.signature.status, 'signed');
  assert.equal(s.run('uninstall', ID).status, 0);

  writeFileSync(join(pkg, 'README.md'), 'changed after signing\n');
  const bad = s.run('install', pkg, '--yes');
  assert.equal(bad.status, 1);
  assert.match(
    bad.stderr,
    /^corral install: .*wc: the signature in corral.sig does not match the package .*; the package is refused\n$/,
  );
  assert.deepEqual(s.list(), []);

  assert.equal(s.run('trust', 'require', 'on').status, 0);
  const plain = s.run('install', wordCount, '--yes');
  assert.match(plain.stderr, /is unsigned, and this Corral installs signed packages only/);
  const id = /[0-9a-f]{32}/.exec(trust.stdout)![0];
  assert.equal(s.run('trust', 'remove', id.slice(0, 12)).status, 0);
  assert.equal(JSON.parse(s.run('trust', 'list', '--json').stdout).keys.length, 0);
});
