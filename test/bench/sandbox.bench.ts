// Start-up cost of confinement, measured side by side in one hyperfine run: bare /bin/true, the
// helper alone, bubblewrap with the same namespaces, `corral exec`, and a bare `node -e 0`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan } from '../../app/sandbox/build-plan.ts';
import { createSandboxCgroup } from '../../app/sandbox/cgroup.ts';
import { resolveCommand } from '../../app/sandbox/command.ts';
import { findHelper } from '../../app/sandbox/helper-path.ts';
import { renderPolicy } from '../../app/sandbox/wire.ts';
import { resolveLimits } from '../../app/policy/limits.ts';
import type { BenchTable } from './table.ts';

const root = new URL('../..', import.meta.url).pathname;

interface HyperfineResult {
  command: string;
  median: number;
}

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Runs the commands in one hyperfine session and returns each median in milliseconds. */
function hyperfine(commands: Record<string, string>, runs: number): Map<string, number> {
  const out = join(mkdtempSync(join(tmpdir(), 'corral-bench-')), 'hf.json');
  const args = ['--warmup', '20', '--runs', String(runs), '--export-json', out, '--style', 'none'];
  for (const [name, command] of Object.entries(commands))
    args.push('--command-name', name, command);
  execFileSync('hyperfine', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const results = (JSON.parse(readFileSync(out, 'utf8')) as { results: HyperfineResult[] }).results;
  return new Map(results.map((r) => [r.command, r.median * 1000]));
}

export async function benchSandbox(): Promise<BenchTable> {
  const title = 'Sandbox start-up (hyperfine medians, ms)';
  for (const tool of ['hyperfine', 'bwrap']) {
    if (!have(tool)) {
      return {
        title,
        rows: [
          {
            name: `${tool} is missing: apt-get install hyperfine bubblewrap`,
            median: '-',
            unit: '',
          },
        ],
      };
    }
  }
  const helper = findHelper();
  if (!helper) throw new Error('the helper is not built; run npm install');
  const dir = mkdtempSync(join(tmpdir(), 'corral-bench-'));
  const policyFile = join(dir, 'deny-all.policy');
  const plan = buildPlan({
    grants: { mounts: [], spawn: false, limits: resolveLimits({}) },
    command: resolveCommand('/bin/true', '/'),
    cwd: '/',
    home: '/nonexistent',
    tmp: dir,
  });
  // A root caller hands the helper a cgroup (app/sandbox/cgroup.ts); the shell opens its join
  // files on 5 and on for every run, as the launcher passes them.
  const cgroup = createSandboxCgroup(plan.limits, plan.limits.pids + 1);
  cgroup?.closeJoinFds();
  const joins = cgroup?.joinFiles ?? [];
  const version = cgroup?.version ?? 'v1';
  writeFileSync(
    policyFile,
    renderPolicy(plan, { cgroup: { version, fds: joins.map((_, i) => 5 + i) } }),
  );
  const redirect = joins.map((file, i) => ` ${5 + i}>>${file}`).join('');
  const bwrap =
    'bwrap --unshare-all --die-with-parent --new-session --ro-bind /usr /usr --symlink usr/lib /lib ' +
    '--symlink usr/lib64 /lib64 --symlink usr/bin /bin --proc /proc --dev /dev --tmpfs /tmp /bin/true';
  const corral = `${root}bin/corral exec --policy ${root}test/bench/deny-all.json -- /bin/true`;
  const medians = hyperfine(
    {
      'bare /bin/true': '/bin/true',
      'helper, deny-all, /bin/true': `${helper} --policy-fd 3 -- /bin/true 3<${policyFile}${redirect}`,
      'bwrap --unshare-all, /bin/true': bwrap,
      'corral exec --policy deny-all -- /bin/true': corral,
      'bare node -e 0': 'node -e 0',
      // The same two with an empty environment: variables such as NODE_EXTRA_CA_CERTS make every
      // Node start slower, which hides the CLI's own cost in the ratio above.
      'corral exec, empty environment': `env -i PATH=/usr/bin:/bin ${corral}`,
      'node -e 0, empty environment': `env -i ${process.execPath} -e 0`,
    },
    100,
  );
  cgroup?.remove();
  const ms = (name: string) => medians.get(name) ?? NaN;
  const fmt = (x: number) => x.toFixed(2);
  return {
    title,
    rows: [
      { name: 'bare /bin/true', median: fmt(ms('bare /bin/true')), unit: 'ms' },
      {
        name: 'helper, deny-all, /bin/true',
        median: fmt(ms('helper, deny-all, /bin/true')),
        unit: 'ms',
        ratio: `${(ms('helper, deny-all, /bin/true') / ms('bwrap --unshare-all, /bin/true')).toFixed(2)}x bwrap`,
        target: '<= 0.80x bwrap',
      },
      {
        name: 'bwrap --unshare-all, /bin/true',
        median: fmt(ms('bwrap --unshare-all, /bin/true')),
        unit: 'ms',
      },
      {
        name: 'corral exec --policy deny-all -- /bin/true',
        median: fmt(ms('corral exec --policy deny-all -- /bin/true')),
        unit: 'ms',
        ratio: `${(ms('corral exec --policy deny-all -- /bin/true') / ms('bare node -e 0')).toFixed(2)}x node -e 0`,
        target: '<= 1.5x node -e 0',
      },
      { name: 'bare node -e 0', median: fmt(ms('bare node -e 0')), unit: 'ms' },
      {
        name: 'corral exec, empty environment',
        median: fmt(ms('corral exec, empty environment')),
        unit: 'ms',
        ratio: `${(ms('corral exec, empty environment') / ms('node -e 0, empty environment')).toFixed(2)}x node -e 0`,
        target: '<= 1.5x node -e 0',
      },
      {
        name: 'node -e 0, empty environment',
        median: fmt(ms('node -e 0, empty environment')),
        unit: 'ms',
      },
    ],
  };
}
