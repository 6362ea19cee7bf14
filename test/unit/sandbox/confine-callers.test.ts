// `corral exec` and a running extension go through one confinement pipeline (app/sandbox/confine.ts):
// driven through the same cases with a recording stand-in for the helper, they build the same plan
// (what the policy decides: mode, binds, proxy, limits) and write the same set-up audit events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import { execCommand } from '../../../app/cli/exec.ts';
import type { CliIO } from '../../../app/cli/io.ts';
import type { AuditEventInput } from '../../../app/audit-event/event.ts';
import { loadExtension } from '../../../app/runtime/extension-package.ts';
import { denyAllPrompts } from '../../../app/runtime/prompts.ts';
import type { SandboxRuntime } from '../../../app/sandbox/confine.ts';
import type { CapabilityMode } from '../../../app/sandbox/capabilities.ts';
import type { LaunchRequest } from '../../../app/sandbox/launcher.ts';
import type { SandboxPlan } from '../../../app/sandbox/plan.ts';
import type { HelperStatus } from '../../../app/sandbox/status.ts';
import { createServices } from '../../../app/service/services.ts';
import { wireRunner } from '../../../app/service/extension-runners.ts';

interface Recorder {
  runtime: SandboxRuntime;
  plans: SandboxPlan[];
}

/** A helper stand-in: reports `mode`, records each plan, and ends each launch with `statuses`. */
function recorder(mode: CapabilityMode, statuses: HelperStatus[], exitStatus: number): Recorder {
  const plans: SandboxPlan[] = [];
  const runtime: SandboxRuntime = {
    helper: '/stand-in/corral-sandbox',
    detect: () => ({
      report: {} as never,
      cgroupLimits: 'none',
      verdict: {
        mode,
        summary: mode === 'refused' ? 'This machine offers no way to confine a process.' : '',
        layers: [],
        degradations: [],
        remedies: [],
        memoryLayer: 'rlimits only',
      },
    }),
    launch(req: LaunchRequest) {
      plans.push(req.plan);
      for (const status of statuses) req.onStatus?.(status);
      // The extension's end of fd 3 closes at once: the runner's start fails, as after a crash.
      const fd3 = new Duplex({
        read() {
          this.push(null);
        },
        write(_chunk, _encoding, done) {
          done();
        },
      });
      const child = Object.assign(new EventEmitter(), {
        pid: undefined,
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        stdio: [null, new PassThrough(), new PassThrough(), fd3],
        kill: () => true,
      });
      setImmediate(() => fd3.destroy());
      return { child: child as never, result: Promise.resolve({ exitStatus, statuses }) };
    },
  };
  return { runtime, plans };
}

/** A manifest for an extension whose `main` is an executable (runtime exec). */
function manifest(permissions: Record<string, unknown>) {
  return JSON.stringify({
    manifestVersion: 1,
    id: 'acme.probe',
    name: 'Probe',
    version: '1.0.0',
    publisher: 'acme',
    description: 'probe',
    runtime: 'exec',
    main: 'run.sh',
    permissions,
  });
}

/** The extension's folder (its manifest doubles as `corral exec`'s policy file) and a HOME. */
function fixture(permissions: (root: string) => Record<string, unknown>) {
  const root = mkdtempSync(join(tmpdir(), 'corral-confine-'));
  const dir = join(root, 'ext');
  mkdirSync(dir);
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'run.sh'), 0o755);
  writeFileSync(join(dir, 'corral.json'), manifest(permissions(root)));
  symlinkSync('/nonexistent-corral-target', join(root, 'dangling'));
  const env = { HOME: join(root, 'home'), XDG_DATA_HOME: join(root, 'data') };
  mkdirSync(env.HOME);
  return { root, dir, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

interface Outcome {
  plan: SandboxPlan | undefined;
  events: AuditEventInput[];
}

async function viaExec(f: ReturnType<typeof fixture>, rec: Recorder): Promise<Outcome> {
  const audit = join(f.root, 'exec-audit.jsonl');
  const io: CliIO = {
    stdout: () => {},
    stderr: () => {},
    stdin: new PassThrough(),
    onSignal: () => () => undefined,
    cwd: f.root,
    env: f.env,
    untilSignal: () => new Promise(() => {}),
  };
  const services = createServices({ env: f.env, sandbox: rec.runtime });
  await execCommand(
    ['--policy', join(f.dir, 'corral.json'), '--audit', audit, '--', join(f.dir, 'run.sh')],
    io,
    services,
  );
  services.close();
  const { readFileSync } = await import('node:fs');
  const events = readFileSync(audit, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEventInput);
  return { plan: rec.plans.at(-1), events };
}

async function viaRunner(f: ReturnType<typeof fixture>, rec: Recorder): Promise<Outcome> {
  const events: AuditEventInput[] = [];
  const services = createServices({ env: f.env, sandbox: rec.runtime });
  const { runner, dispose } = wireRunner(services, {
    extension: await loadExtension(f.dir, '/'),
    workspace: null,
    prompts: denyAllPrompts,
    audit: (e) => events.push(e),
    restart: { maxCrashes: 1, windowMs: 60_000, baseDelayMs: 1, maxDelayMs: 1 },
    startupTimeoutMs: 2000,
    shutdownGraceMs: 10,
  });
  await runner.start().then(
    () => assert.fail('the stand-in extension never answers initialize'),
    () => {},
  );
  await dispose();
  services.close();
  return { plan: rec.plans.at(-1), events };
}

/** What the pipeline decides, without what each caller adds on purpose (fd 3, its folder, env). */
function decided(plan: SandboxPlan | undefined, f: ReturnType<typeof fixture>) {
  if (!plan) return null;
  const limits: Partial<SandboxPlan['limits']> = { ...plan.limits };
  delete limits.timeoutMs; // an extension's sandbox lives for its session, a command's for its limit
  return {
    mode: plan.mode,
    proxy: plan.proxyListener ? plan.proxyListener.port : null,
    grantMounts: plan.mounts.filter(
      (m) => m.path.startsWith(f.root) && !m.path.startsWith(f.dir) && !/corral-/.test(m.path),
    ),
    // Each caller's run folder has its own name; that it is in memory is what the pipeline decides.
    tmpfs: plan.tmpfs.map((p) => p.replace(/\/corral-(run|ext)-[^/]+/, '/RUN-FOLDER')),
    proxyEnv: Object.keys(plan.env).filter((k) => /_proxy$/i.test(k)),
    limits,
  };
}

/** The set-up events, without who and what they name (an id and a command line, or a folder). */
function setupEvents(events: AuditEventInput[]) {
  return events
    .filter((e) => /^(not bound|sandbox not set up):/.test(e.reason))
    .map(({ layer, kind, op, decision, reason }) => ({ layer, kind, op, decision, reason }));
}

const cases: {
  name: string;
  mode: CapabilityMode;
  permissions: (root: string) => Record<string, unknown>;
  statuses?: HelperStatus[];
  exit?: number;
  expect: (o: Outcome) => void;
}[] = [
  {
    name: 'no hosts: no proxy',
    mode: 'full',
    permissions: () => ({}),
    expect: (o) => assert.equal(o.plan?.proxyListener, undefined),
  },
  {
    name: 'a granted host: the proxy is relayed in',
    mode: 'full',
    permissions: () => ({ net: [{ host: 'example.org' }] }),
    expect: (o) => assert.equal(o.plan?.proxyListener?.port, 3128),
  },
  {
    name: 'reduced mode: no proxy even with hosts',
    mode: 'reduced',
    permissions: () => ({ net: [{ host: 'example.org' }] }),
    expect: (o) => {
      assert.equal(o.plan?.mode, 'reduced');
      assert.equal(o.plan?.proxyListener, undefined);
    },
  },
  {
    name: 'a grant that cannot be resolved (through a dangling link) is not bound, and logged',
    mode: 'full',
    permissions: (root) => ({
      fs: [
        { path: join(root, 'dangling', 'missing'), access: 'read' },
        { path: join(root, 'home'), access: 'read' },
      ],
    }),
    expect: (o) => {
      assert.ok(o.events.some((e) => e.op === 'grant' && /not bound: fs\[0\]/.test(e.reason)));
      assert.ok(
        o.plan?.mounts.some((m) => m.path.endsWith('/home')),
        'the control is bound',
      );
      assert.ok(!o.plan?.mounts.some((m) => m.path.endsWith('/missing')));
    },
  },
  {
    name: 'the helper refuses the plan: one "not set up" event',
    mode: 'full',
    permissions: () => ({}),
    statuses: [{ type: 'error', reason: 'mount point for /x: Read-only file system' }],
    exit: 125,
    expect: (o) =>
      assert.ok(o.events.some((e) => /sandbox not set up: mount point for \/x/.test(e.reason))),
  },
  {
    name: 'a machine that allows no mode: nothing launched, one "not set up" event',
    mode: 'refused',
    permissions: () => ({}),
    expect: (o) => {
      assert.equal(o.plan, undefined);
      const refusals = o.events.filter((e) => /sandbox not set up/.test(e.reason));
      assert.equal(refusals.length, 1, JSON.stringify(o.events));
    },
  },
];

describe('corral exec and the extension runner share one confinement pipeline', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const f = fixture(c.permissions);
      try {
        const exec = await viaExec(f, recorder(c.mode, c.statuses ?? [], c.exit ?? 0));
        const runner = await viaRunner(f, recorder(c.mode, c.statuses ?? [], c.exit ?? 0));
        c.expect(exec);
        c.expect(runner);
        assert.deepEqual(decided(runner.plan, f), decided(exec.plan, f));
        assert.deepEqual(setupEvents(runner.events), setupEvents(exec.events));
      } finally {
        f.cleanup();
      }
    });
  }
});

describe('a helper that refuses to set a sandbox up makes the pipeline forget the remembered verdict', () => {
  for (const [name, statuses, exit, forgets] of [
    ['a refusal forgets', [{ type: 'error', reason: 'no user namespace' }], 125, 1],
    ['a clean run keeps it', [], 0, 0],
  ] as const) {
    it(name, async () => {
      const f = fixture(() => ({}));
      try {
        const rec = recorder('full', [...statuses] as HelperStatus[], exit);
        let forgotten = 0;
        rec.runtime.forget = () => void forgotten++;
        await viaExec(f, rec);
        assert.equal(forgotten, forgets);
      } finally {
        f.cleanup();
      }
    });
  }
});
