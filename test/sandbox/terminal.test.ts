// The caller's terminal stays the caller's: under a real pty (node-pty), a sandboxed command
// whose stdio is the caller's own terminal cannot take it (TIOCEXCL), resize, flush or stop it, or
// change its modes, in both modes; the same calls work outside, and inside when the caller relays
// stdio through a pty of its own (`terminal pty`).
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawn as ptySpawn } from 'node-pty';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSandboxCgroup } from '../../app/sandbox/cgroup.ts';
import { renderPolicy } from '../../app/sandbox/wire.ts';
import {
  asRunUser,
  missingLayers,
  planFor,
  runAs,
  stageSandbox,
  withoutUserNamespaces,
  type PlanOptions,
} from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

const CHANGES = ['tty_excl', 'tty_resize', 'tty_flush', 'tty_stop', 'tty_noecho'];
const UNCHANGED = 'tty_state excl=0 size=80x24 echo=1';

/** Runs `file args` on the slave of a fresh 80x24 pty; resolves with what it printed. */
function underPty(file: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const term = ptySpawn(file, args, { cols: 80, rows: 24, env: { PATH: '/usr/bin:/bin' } });
    let out = '';
    term.onData((d) => (out += d));
    term.onExit(() => resolve(out.replaceAll('\r', '')));
  });
}

/** The probe's answers, each line "OP RESULT", in order. */
function answers(out: string): string[] {
  return out.split('\n').filter((l) => /^tty_/.test(l));
}

for (const mode of ['full', 'reduced'] as const) {
  const dir = stage.dir(`terminal-${mode}`, { writable: true });
  /** The probe in the sandbox on the pty; the policy and status go through files. */
  async function inSandbox(o: Partial<PlanOptions>): Promise<{ out: string; status: string }> {
    const policy = join(dir, `${o.terminal ?? 'caller'}.policy`);
    const status = join(dir, `${o.terminal ?? 'caller'}.status`);
    const plan = planFor({ mode, exec: [stage.probe], ro: [stage.probe], ...o });
    // The caller makes the cgroup, as the launcher does (this process, when it runs the helper
    // as itself); the shell opens its join files on 5 and on.
    const cgroup = runAs === 'self' ? createSandboxCgroup(plan.limits, plan.limits.pids + 1) : null;
    cgroup?.closeJoinFds();
    const joins = cgroup?.joinFiles ?? [];
    const version = cgroup?.version ?? 'v1';
    writeFileSync(
      policy,
      renderPolicy(plan, { cgroup: { version, fds: joins.map((_, i) => 5 + i) } }),
    );
    writeFileSync(status, '');
    chmodSync(status, 0o666); // the helper may run as nobody, and the shell opens it for it
    const redirect = joins.map((file, i) => ` ${5 + i}>>${file}`).join('');
    const script = `exec "$0" --policy-fd 3 --status-fd 4 -- "$@" 3<${policy} 4>${status}${redirect}`;
    const argv = ['-c', script, stage.helper, stage.probe, 'tty_state', ...CHANGES, 'tty_state'];
    const [file, args] =
      mode === 'reduced' ? withoutUserNamespaces('/bin/sh', argv) : asRunUser('/bin/sh', argv);
    const out = await underPty(file, args);
    for (let i = 0; i < 40 && cgroup && !cgroup.remove(); i++) await sleep(25);
    return { out, status: readFileSync(status, 'utf8') };
  }

  describe(`the caller's terminal, mode ${mode}`, { skip }, () => {
    it('cannot be taken, resized, flushed, stopped or switched to no echo', async () => {
      const { out, status } = await inSandbox({});
      assert.deepEqual(answers(out), [UNCHANGED, ...CHANGES.map((op) => `${op} EPERM`), UNCHANGED]);
      assert.equal(status.match(/^deny syscall ioctl$/gm)?.length, CHANGES.length, status);
    });

    it('can all be changed outside, and in a pty the caller relays (terminal pty)', async () => {
      const changed = ['tty_state excl=1 size=77x33 echo=0'];
      const [file, args] = asRunUser(stage.probe, ['tty_state', ...CHANGES, 'tty_state']);
      const outside = answers(await underPty(file, args));
      assert.deepEqual(outside, [UNCHANGED, ...CHANGES.map((op) => `${op} ok`), ...changed]);
      const relayed = answers((await inSandbox({ terminal: 'pty' })).out);
      assert.deepEqual(relayed, [UNCHANGED, ...CHANGES.map((op) => `${op} ok`), ...changed]);
    });
  });
}
