// The learning run (`corral dev --learn`): records what the extension tried, through the host (every
// decision production took, and the optional permissions it asked for) and in the kernel (the
// sandbox's refusals), and proposes the smallest permissions that allow it: a folder per place
// it read or wrote (the file's folder, never above the variable it lies under), each host:port it
// reached, each channel and direction, spawn when a program start was refused. The proposal is
// shown as a diff against the manifest and as rules lines, linted; nothing is written unless the
// author says yes (app/cli/dev.ts, the app's debug view).
import { statSync } from 'node:fs';
import { policyRules } from '../../consent/grants.ts';
import type { Decision, PolicyRequest } from '../../policy/decide.ts';
import type {
  FsGrant,
  IpcGrant,
  NetGrant,
  Permissions,
  PolicyInput,
} from '../../policy/manifest.ts';
import { isWithin, normalizeAbsolutePath, parentPath } from '../../policy/paths.ts';
import type { PathVariables } from '../../policy/variables.ts';

/** What a learning run saw, as data (also what the app's debug view shows). */
export interface LearnedAccess {
  kind: 'fs' | 'net' | 'ipc' | 'spawn';
  /** The rule line it becomes ("read ${workspace}"), or null when no grant can name it. */
  rule: string | null;
  /** What was tried, for the note of an access no grant can name. */
  target: string;
}

export interface Proposal {
  permissions: Permissions;
  optionalPermissions: Permissions;
  /** Rule lines of the proposal (optional ones prefixed), as corral.rules writes them. */
  rules: string[];
  /** The proposal against the manifest: "+ read ${workspace}", "- spawn", "  connect …". */
  diff: string[];
  /** What was tried and cannot be granted by a manifest (a path outside every variable). */
  notes: string[];
}

// The variables a proposal names, in the order a path is matched against them (the always-granted
// ones, ${extensionData} and ${tmp}, are matched so that they are left out, not proposed).
const NAMED = ['workspace', 'documents', 'downloads', 'home', 'extensionData', 'tmp'] as const;
const ALWAYS = new Set(['extensionData', 'tmp']);

/** Collects what one learning session sees, across reloads. */
export class LearningRecorder {
  private readonly fs = new Map<string, 'read' | 'write'>(); // real folder → access
  private readonly tried = new Map<string, string>(); // real folder → the first path tried in it
  private readonly net = new Map<string, Set<number>>();
  private readonly ipc = new Map<string, Set<'publish' | 'subscribe'>>();
  private readonly asked: Permissions[] = [];
  private readonly notes = new Set<string>();
  private spawn = false;

  constructor(private readonly vars: () => PathVariables) {}

  /** Every decision the broker and the proxy took (the debug lens calls this). */
  observe(request: PolicyRequest, production: Decision): void {
    switch (request.kind) {
      case 'fs': {
        const path = normalizeAbsolutePath(request.path);
        if (path === null) return;
        const folder = request.op === 'list' || isFolder(path) ? path : parentPath(path);
        const access = request.op === 'write' ? 'write' : 'read';
        if (this.fs.get(folder) !== 'write') this.fs.set(folder, access);
        if (!this.tried.has(folder)) this.tried.set(folder, path);
        // A file read with an optional grant the user allowed stays optional (see propose()).
        if (production.reason.includes('optional ')) this.optionalFolders.add(folder);
        return;
      }
      case 'net': {
        const ports = this.net.get(request.host) ?? new Set<number>();
        ports.add(request.port);
        this.net.set(request.host, ports);
        if (production.reason.includes('optional ')) this.optionalHosts.add(request.host);
        return;
      }
      case 'ipc': {
        const d = this.ipc.get(request.channel) ?? new Set();
        d.add(request.direction);
        this.ipc.set(request.channel, d);
        return;
      }
      case 'process':
        this.spawn = true;
    }
  }

  private readonly optionalFolders = new Set<string>();
  private readonly optionalHosts = new Set<string>();

  /** A permissions/request (declared optional or not): what it asks for becomes optional. */
  requested(permissions: Permissions): void {
    this.asked.push(permissions);
  }

  /** A system call the sandbox refused (the helper's `deny syscall NAME`). */
  kernelDenial(syscall: string): void {
    if (syscall === 'execve' || syscall === 'execveat') this.spawn = true;
    else if (syscall === 'socket' || syscall === 'socketpair')
      this.notes.add(
        `a ${syscall}() call was refused: sockets of that kind never pass; reach hosts with net.fetch or HTTP(S)_PROXY`,
      );
    else this.notes.add(`the sandbox refused ${syscall}(): no permission allows it`);
  }

  /** The smallest permissions that allow what was seen, against `current`. */
  propose(current: PolicyInput): Proposal {
    const vars = this.vars();
    const notes = new Set(this.notes);
    const optional = mergeAll(this.asked);
    const optionalFs = (optional.fs ?? []).map((g) => g.path);
    const optionalNet = new Set((optional.net ?? []).map((g) => g.host));

    const fs: FsGrant[] = [];
    for (const [real, access] of this.fs) {
      const named = nameOf(real, vars);
      if (named === null) {
        notes.add(
          `${this.tried.get(real) ?? real} was tried and is not proposed: it lies outside every folder a manifest names (\${workspace}, \${documents}…)`,
        );
        continue;
      }
      if (named.always) continue;
      const underOptional = optionalFs.some((p) => isWithinNamed(named.path, p));
      if (underOptional || this.optionalFolders.has(real)) {
        if (!underOptional) (optional.fs ??= []).push({ path: named.path, access });
        continue;
      }
      fs.push({ path: named.path, access });
    }
    const net: NetGrant[] = [...this.net]
      .filter(([host]) => !optionalNet.has(host))
      .filter(([host]) => !this.optionalHosts.has(host))
      .map(([host, ports]) => netGrant(host, ports));
    for (const host of this.optionalHosts)
      if (!optionalNet.has(host)) (optional.net ??= []).push(netGrant(host, this.net.get(host)!));
    const ipc: IpcGrant[] = [...this.ipc].map(([channel, d]) => ({
      channel,
      access: d.size === 2 ? 'both' : [...d][0]!,
    }));
    const permissions = tidy({
      fs: smallest(fs),
      net,
      ipc,
      ...(this.spawn ? { process: { spawn: true } } : {}),
    });
    const optionalPermissions = tidy({ ...optional, fs: smallest(optional.fs ?? []) });
    const proposed: PolicyInput = { ...current, permissions, optionalPermissions };
    const rules = policyRules(proposed);
    const before = new Set(policyRules(current));
    const after = new Set(rules);
    const diff = [
      ...rules.map((r) => (before.has(r) ? `  ${r}` : `+ ${r}`)),
      ...[...before].filter((r) => !after.has(r)).map((r) => `- ${r}`),
    ];
    return { permissions, optionalPermissions, rules, diff, notes: [...notes] };
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A real path as a manifest writes it, under the deepest variable that holds it. */
function nameOf(real: string, vars: PathVariables): { path: string; always: boolean } | null {
  let best: { name: string; root: string } | null = null;
  for (const name of NAMED) {
    const root = vars[name];
    if (root === null || !isWithin(real, root)) continue;
    if (!best || root.length > best.root.length) best = { name, root };
  }
  if (!best) return null;
  return {
    path: '${' + best.name + '}' + real.slice(best.root.length),
    always: ALWAYS.has(best.name),
  };
}

function isWithinNamed(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

function netGrant(host: string, ports: Set<number>): NetGrant {
  const list = [...ports].sort((a, b) => a - b);
  return list.length === 1 && list[0] === 443 ? { host } : { host, ports: list };
}

/** Drops a grant that a wider one (an ancestor with at least its access) already gives. */
function smallest(grants: FsGrant[]): FsGrant[] {
  const merged = new Map<string, 'read' | 'write'>();
  for (const g of grants) if (merged.get(g.path) !== 'write') merged.set(g.path, g.access);
  const list = [...merged].map(([path, access]) => ({ path, access }));
  return list
    .filter(
      (g) =>
        !list.some(
          (o) =>
            o !== g &&
            isWithinNamed(g.path, o.path) &&
            (o.access === 'write' || g.access === 'read'),
        ),
    )
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function mergeAll(list: Permissions[]): Permissions {
  const out: Required<Pick<Permissions, 'fs' | 'net' | 'ipc'>> & Permissions = {
    fs: [],
    net: [],
    ipc: [],
  };
  for (const p of list) {
    out.fs.push(...(p.fs ?? []));
    for (const n of p.net ?? []) if (!out.net.some((x) => x.host === n.host)) out.net.push(n);
    for (const i of p.ipc ?? []) if (!out.ipc.some((x) => x.channel === i.channel)) out.ipc.push(i);
    if (p.process?.spawn) out.process = { spawn: true };
  }
  return out;
}

/** Leaves out empty lists, as a person writes a manifest. */
function tidy(p: Permissions): Permissions {
  const out: Permissions = {};
  if (p.fs?.length) out.fs = p.fs;
  if (p.net?.length) out.net = [...p.net].sort((a, b) => (a.host < b.host ? -1 : 1));
  if (p.ipc?.length) out.ipc = [...p.ipc].sort((a, b) => (a.channel < b.channel ? -1 : 1));
  if (p.process?.spawn) out.process = { spawn: true };
  return out;
}
