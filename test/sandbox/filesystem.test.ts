// The file-system layers: only granted paths exist (mount namespace), with exactly the granted
// rights (read-only binds, Landlock). Each escape is paired with the grant that makes the same
// command succeed, so a refusal is the sandbox's doing and not a broken test.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { missingLayers, runShell, stageSandbox } from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

describe('file-system confinement', { skip }, () => {
  const ws = stage.dir('ws');
  const notes = stage.file('ws/notes.txt', 'workspace notes\n');

  it('reads a workspace file only when it is granted', async () => {
    const denied = await runShell(stage, `cat ${notes}`);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /No such file or directory/);
    const granted = await runShell(stage, `cat ${notes}`, { ro: [ws] });
    assert.equal(granted.code, 0, granted.stderr);
    assert.equal(granted.stdout, 'workspace notes\n');
  });

  it('writes only under a write grant', async () => {
    const out = stage.dir('write-grant', { writable: true });
    const target = join(out, 'result.txt');
    const readOnly = await runShell(stage, `echo data > ${target}`, { ro: [out] });
    assert.notEqual(readOnly.code, 0);
    assert.match(readOnly.stderr, /Read-only file system/);
    assert.equal(existsSync(target), false);
    const writable = await runShell(stage, `echo data > ${target}`, { rw: [out] });
    assert.equal(writable.code, 0, writable.stderr);
    assert.equal(readFileSync(target, 'utf8'), 'data\n');
  });

  it('leaves nothing at /, in system folders or in /dev', async () => {
    const r = await runShell(
      stage,
      'for f in /new /usr/new /etc/new /dev/new; do echo x > $f && echo "wrote $f"; done; true',
    );
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 4, r.stderr);
    assert.equal(existsSync('/usr/new'), false);
  });

  it("a grant of /tmp shows the host's /tmp, not the sandbox's half-built root", async () => {
    // The root is assembled where no grant can be (in /proc): a grant's bind clones what is
    // beneath it, so a grant holding the assembly place showed the skeleton instead.
    const r = await runShell(stage, `cat ${notes}; ls /tmp/proc /tmp/usr 2>&1 | head -1`, {
      ro: ['/tmp'],
    });
    assert.equal(r.stdout.split('\n')[0], 'workspace notes', r.stderr);
    assert.match(r.stdout, /No such file or directory/);
  });

  it('never shows /etc/shadow, whoever runs the helper', async () => {
    const r = await runShell(stage, 'cat /etc/shadow');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /No such file or directory/);
  });

  it("keeps a key in the user's ~/.ssh out of reach of a project grant", async () => {
    const home = stage.dir('home');
    stage.dir('home/.ssh');
    const key = stage.file('home/.ssh/id_ed25519', '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    const project = stage.dir('home/project', { writable: true });
    const r = await runShell(stage, `cat ${key}; ls ${home}/.ssh`, { rw: [project], cwd: project });
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /PRIVATE KEY|id_ed25519/);
    const granted = await runShell(stage, `cat ${key}`, { ro: [home] });
    assert.match(granted.stdout, /PRIVATE KEY/);
  });

  it('does not follow a symlink out of a granted folder', async () => {
    const outside = stage.dir('outside');
    const secret = stage.file('outside/secret.txt', 'secret\n');
    const linked = stage.dir('linked');
    symlinkSync(secret, join(linked, 'absolute'));
    symlinkSync('../outside/secret.txt', join(linked, 'relative'));
    const r = await runShell(stage, `cat ${linked}/absolute ${linked}/relative`, { ro: [linked] });
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    const granted = await runShell(stage, `cat ${linked}/absolute ${linked}/relative`, {
      ro: [linked, outside],
    });
    assert.equal(granted.stdout, 'secret\nsecret\n');
  });

  it('refuses a hard link or rename across the edge of a grant', async () => {
    const project = stage.dir('edge', { writable: true });
    const locked = stage.dir('edge/locked');
    const kept = stage.file('edge/locked/kept.txt', 'read-only\n');
    const script = [
      `ln ${kept} ${project}/linked && echo linked`,
      `mv ${kept} ${project}/moved && echo moved`,
      `echo mine > ${project}/mine.txt && ln ${project}/mine.txt ${project}/also.txt && echo inside`,
    ].join('; ');
    const r = await runShell(stage, script, { rw: [project], ro: [locked] });
    assert.equal(r.stdout, 'inside\n', r.stderr);
    assert.equal(readFileSync(kept, 'utf8'), 'read-only\n');
    assert.equal(statSync(kept).nlink, 1); // neither linked nor renamed away (mv may copy it)
  });

  it('never executes what the command wrote, even where execution of programs is granted', async () => {
    const out = stage.dir('written', { writable: true });
    const r = await runShell(
      stage,
      `cp /usr/bin/true ${out}/copy && ${out}/copy; /usr/bin/true && echo system`,
      {
        rw: [out],
      },
    );
    assert.match(r.stderr, /copy: Permission denied/);
    assert.equal(r.stdout, 'system\n');
  });

  it('gives /proc read rights only (Landlock), even on files the process owns', async () => {
    const r = await runShell(stage, 'cat /proc/self/comm; echo renamed > /proc/self/comm');
    assert.equal(r.stdout, 'cat\n');
    assert.match(r.stderr, /Permission denied/);
  });

  it('gives a private, writable tmpfs that the host never sees', async () => {
    const hostOnly = stage.file('host-only.txt', 'host\n');
    const r = await runShell(stage, `echo scratch > /tmp/scratch && cat /tmp/scratch ${hostOnly}`, {
      tmpfs: ['/tmp'],
    });
    assert.equal(r.stdout, 'scratch\n');
    assert.match(r.stderr, /host-only.txt: No such file or directory/);
    assert.equal(existsSync('/tmp/scratch'), false);
  });

  it('keeps a grant beneath the private /tmp visible (the compiler puts the tmpfs first)', async () => {
    const r = await runShell(stage, `cat ${notes}`, { tmpfs: ['/tmp'], ro: [ws] });
    assert.equal(r.stdout, 'workspace notes\n', r.stderr);
  });

  it('offers the harmless devices and /dev/shm', async () => {
    const r = await runShell(
      stage,
      'echo x > /dev/null && head -c 5 /dev/urandom | wc -c && echo shm > /dev/shm/a && cat /dev/shm/a && ls /dev/fd/ >/dev/null && echo ok',
    );
    assert.equal(r.stdout, '5\nshm\nok\n', r.stderr);
  });
});
