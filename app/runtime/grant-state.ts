// The live grants of one running extension: its compiled policy, plus optional grants the user
// allowed while it runs, minus grants revoked while it runs. Every change takes effect on the next
// decision (a revoked grant is felt at once).
import type { CompiledGrants, CompiledPolicy } from '../policy/compile.ts';
import { compileDecider, type Decider } from '../policy/decide.ts';

export class GrantState {
  private current: CompiledPolicy;
  private currentDecider: Decider;
  /** Optional grants the user allowed once: they last until the extension next starts. */
  private readonly once = new Set<string>();

  /**
   * `lens` sees every decider built from these grants: `corral dev` wraps production's decisions
   * to flag (and, where the author asked, allow) what production would deny (app/service/dev/).
   */
  constructor(
    private readonly base: CompiledPolicy,
    private readonly lens: (production: Decider) => Decider = (d) => d,
  ) {
    this.current = base;
    this.currentDecider = lens(compileDecider(base));
  }

  get policy(): CompiledPolicy {
    return this.current;
  }

  decider(): Decider {
    return this.currentDecider;
  }

  /** The optional grants allowed for this run only ("allow once"), by label. */
  allowedOnce(): string[] {
    return [...this.once];
  }

  /**
   * Moves the optional grants with these labels (e.g. "fs[0]") into the required ones; with
   * `once`, only until endRun() (the user allowed them once, not always).
   */
  promote(labels: readonly string[], scope: 'once' | 'always' = 'always'): void {
    for (const label of labels) {
      if (scope === 'once') this.once.add(label);
      else this.once.delete(label);
    }
    if (labels.length === 0) return;
    const wanted = new Set(labels);
    const optional = this.current.optional;
    const moved = pick(optional, (label) => wanted.has(label));
    const kept = pick(optional, (label) => !wanted.has(label));
    this.replace({
      ...this.current,
      fs: [...this.current.fs, ...moved.fs.map((g) => ({ ...g, grant: `optional ${g.grant}` }))],
      net: [...this.current.net, ...moved.net.map((g) => ({ ...g, grant: `optional ${g.grant}` }))],
      ipc: [...this.current.ipc, ...moved.ipc.map((g) => ({ ...g, grant: `optional ${g.grant}` }))],
      spawn: this.current.spawn || (wanted.has('process.spawn') && optional.spawn),
      optional: { ...kept, spawn: optional.spawn && !wanted.has('process.spawn') },
    });
  }

  /** Gives back the grants allowed once, as optional ones: called when the extension (re)starts. */
  endRun(): void {
    if (this.once.size === 0) return;
    const back = new Set([...this.once].map((label) => `optional ${label}`));
    const moved = pick(this.current, (label) => back.has(label));
    const unlabel = <T extends { grant: string }>(g: T): T => ({
      ...g,
      grant: g.grant.replace(/^optional /, ''),
    });
    const optional = this.current.optional;
    this.replace({
      ...this.current,
      ...pick(this.current, (label) => !back.has(label)),
      spawn: this.current.spawn && !this.once.has('process.spawn'),
      optional: {
        fs: [...optional.fs, ...moved.fs.map(unlabel)],
        net: [...optional.net, ...moved.net.map(unlabel)],
        ipc: [...optional.ipc, ...moved.ipc.map(unlabel)],
        spawn: optional.spawn || this.once.has('process.spawn'),
      },
    });
    this.once.clear();
  }

  /**
   * Removes a grant by label ("fs[1]", "net[0]", "process.spawn"). Required and optional grants are
   * numbered apart (both lists have an "fs[0]"), so `section` says which one is meant; an optional
   * grant the user already allowed (promoted as "optional fs[0]") goes with it.
   */
  revoke(label: string, section: 'required' | 'optional'): boolean {
    const promoted = `optional ${label}`;
    const keepRequired = (l: string) => (section === 'required' ? l !== label : l !== promoted);
    const keepOptional = (l: string) => section === 'required' || l !== label;
    const spawnRevoked = label === 'process.spawn';
    const next: CompiledPolicy = {
      ...pick(this.current, keepRequired),
      spawn: this.current.spawn && !spawnRevoked,
      limits: this.current.limits,
      optional: {
        ...pick(this.current.optional, keepOptional),
        spawn: this.current.optional.spawn && !(spawnRevoked && section === 'optional'),
      },
    };
    const changed =
      count(next) !== count(this.current) ||
      next.spawn !== this.current.spawn ||
      next.optional.spawn !== this.current.optional.spawn;
    if (changed) this.replace(next);
    return changed;
  }

  private replace(next: CompiledPolicy): void {
    this.current = next;
    this.currentDecider = this.lens(compileDecider(next));
  }
}

function pick(g: CompiledGrants, keep: (label: string) => boolean): CompiledGrants {
  return {
    fs: g.fs.filter((x) => keep(x.grant)),
    net: g.net.filter((x) => keep(x.grant)),
    ipc: g.ipc.filter((x) => keep(x.grant)),
    spawn: g.spawn,
  };
}

function count(p: CompiledPolicy): number {
  return (
    p.fs.length +
    p.net.length +
    p.ipc.length +
    p.optional.fs.length +
    p.optional.net.length +
    p.optional.ipc.length
  );
}
