// The release's SHA256SUMS: one line per package, which `sha256sum -c` verifies, and which fails
// for a package changed after it was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeChecksums } from '../../../scripts/release-checksums.ts';

test('SHA256SUMS lists the packages and sha256sum -c verifies them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-release-'));
  writeFileSync(join(dir, 'Corral-0.1.0.AppImage'), 'appimage bytes');
  writeFileSync(join(dir, 'corral_0.1.0_amd64.deb'), 'deb bytes');
  writeFileSync(join(dir, 'Corral-0.1.0-arm64.dmg'), 'dmg bytes');
  writeFileSync(join(dir, 'latest-linux.yml'), 'not a package');
  mkdirSync(join(dir, 'linux-unpacked'));
  const sums = writeChecksums(dir);
  const lines = readFileSync(sums, 'utf8').trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => l.split('  ')[1]),
    ['Corral-0.1.0-arm64.dmg', 'Corral-0.1.0.AppImage', 'corral_0.1.0_amd64.deb'],
  );
  assert.ok(lines.every((l) => /^[0-9a-f]{64} {2}\S+$/.test(l)));
  const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  appendFileSync(join(dir, 'corral_0.1.0_amd64.deb'), 'tampered');
  const tampered = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(tampered.status, 0);
  assert.match(tampered.stdout, /corral_0\.1\.0_amd64\.deb: FAILED/);
});

test('a folder without packages is an error naming the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-release-empty-'));
  assert.throws(() => writeChecksums(dir), /no release packages .* run npm run package first/);
});
