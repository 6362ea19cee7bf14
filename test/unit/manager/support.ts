// Shared by the manager tests: a private $XDG_DATA_HOME per test, the manager on it, packages
// written to disk, and a look at what is on disk under the extensions folder.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtensionManager, type InstallOutcome } from '../../../app/manager/manager.ts';
import type { PackageCaps } from '../../../app/package/package-caps.ts';
import { hashTree } from '../../../app/manager/tree-hash.ts';

export interface Sandbox {
  root: string;
  env: NodeJS.ProcessEnv;
  /** The extensions folder. */
  extensions: string;
  open(caps?: PackageCaps): ExtensionManager;
  /** Writes `data` to a file in the sandbox and returns its path. */
  file(name: string, data: Buffer | string): string;
  /** Folders under the extensions folder: "ID/VERSION", ".staging/…", ".trash/…". */
  onDisk(): string[];
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'corral-manager-'));
  const env = { HOME: join(root, 'home'), XDG_DATA_HOME: join(root, 'data') };
  const extensions = join(root, 'data', 'corral', 'extensions');
  const opened: ExtensionManager[] = [];
  return {
    root,
    env,
    extensions,
    open(caps) {
      const m = ExtensionManager.open({ env, caps });
      opened.push(m);
      return m;
    },
    file(name, data) {
      const path = join(root, name);
      writeFileSync(path, data);
      return path;
    },
    onDisk() {
      const out: string[] = [];
      let names: string[];
      try {
        names = readdirSync(extensions);
      } catch {
        return out;
      }
      for (const name of names)
        for (const sub of readdirSync(join(extensions, name))) out.push(`${name}/${sub}`);
      return out.sort();
    },
    cleanup() {
      for (const m of opened) {
        try {
          m.close();
        } catch {
          // closed by the test already
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** prepare + commit in one step, as `corral install --yes` does (or without consent). */
export async function install(
  manager: ExtensionManager,
  pkg: string,
  consent = true,
): Promise<InstallOutcome> {
  const prepared = await manager.prepare(pkg, '/');
  return manager.commit(prepared, consent);
}

/** The message of the rejection `p` ends with. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal, but it succeeded');
}

/**
 * What is wrong with the state under `env` after GC (an open does it): every version a record
 * names must be on disk with the files it was installed with, and nothing else may be there.
 */
export function inconsistencies(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const m = ExtensionManager.open({ env });
  try {
    const named = new Set<string>();
    for (const r of m.list()) {
      for (const v of [r.current, r.previous, r.pending]) {
        if (!v) continue;
        named.add(v.dir);
        const dir = m.dirOf(v);
        if (!existsSync(join(dir, 'corral.json'))) {
          problems.push(`${r.id} ${v.version}: ${dir} is missing`);
          continue;
        }
        if (hashTree(dir) !== v.contentSha256) problems.push(`${r.id} ${v.version}: files differ`);
        const manifest = JSON.parse(readFileSync(join(dir, 'corral.json'), 'utf8')) as {
          id: string;
          version: string;
        };
        if (manifest.id !== r.id || manifest.version !== v.version)
          problems.push(`${r.id} ${v.version}: ${dir} holds ${manifest.id} ${manifest.version}`);
      }
    }
    for (const name of readdirSync(m.root)) {
      const sub = readdirSync(join(m.root, name));
      if (name === '.staging' || name === '.trash') {
        if (sub.length) problems.push(`${name} holds ${sub.join(', ')}`);
        continue;
      }
      for (const v of sub)
        if (!named.has(`${name}/${v}`)) problems.push(`${name}/${v} is not named by the state`);
    }
  } finally {
    m.close();
  }
  return problems;
}
