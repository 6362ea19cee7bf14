// Shared by the extension-manager commands (install, list, uninstall, …): yes/no flags beside the
// option parser, the manager opened with every refusal as one line, and the y/N question.
import { createInterface } from 'node:readline';
import { ExtensionManager, ManagerError } from '../manager/manager.ts';
import { StateError } from '../manager/state-db.ts';
import { PackageError } from '../manager/staging-tree.ts';
import type { CliIO } from './io.ts';
import type { AuditEventInput } from '../audit-event/event.ts';
import { openAuditStore, type AuditStore } from '../audit/store.ts';
import { defaultAuditStore } from '../platform/corral-dirs.ts';

/** Splits the yes/no flags named in `flags` ("--yes") out of `args`. */
export function takeFlags(
  args: readonly string[],
  flags: readonly string[],
): { flags: Set<string>; rest: string[] } {
  const found = new Set<string>();
  const rest: string[] = [];
  for (const arg of args) {
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (name !== null && flags.includes(name)) found.add(name);
    else rest.push(arg);
  }
  return { flags: found, rest };
}

/** Opens the manager, runs `run`, and turns a refusal into one line on stderr and exit 1. */
export async function withManager(
  io: CliIO,
  command: string,
  run: (manager: ExtensionManager) => Promise<number> | number,
): Promise<number> {
  let manager: ExtensionManager | undefined;
  // What the manager does (install, revoke, quarantine…) goes into the audit store, opened only
  // when there is something to record so that `corral list` never touches it.
  let store: AuditStore | undefined;
  const audit = (event: AuditEventInput) => {
    store ??= openAuditStore(defaultAuditStore(io.env));
    store.record(event);
  };
  try {
    manager = ExtensionManager.open({ env: io.env, audit });
    return await run(manager);
  } catch (e) {
    if (e instanceof ManagerError || e instanceof StateError || e instanceof PackageError) {
      io.stderr(`corral ${command}: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    manager?.close();
    store?.close();
  }
}

/** Prints a usage error: one line and exit 2. */
export function usageError(io: CliIO, command: string, message: string, usage: string): number {
  io.stderr(`corral ${command}: ${message}; usage: ${usage}\n`);
  return 2;
}

/**
 * Asks `question` on the terminal and resolves true only for "y" or "yes". Null when there is
 * no terminal to ask on (the caller then needs --yes).
 */
export function askYesNo(question: string): Promise<boolean> | null {
  if (!process.stdin.isTTY) return null;
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(`${question} [y/N] `, (answer) => {
      rl.close();
      resolve(/^(y|yes)$/i.test(answer.trim()));
    });
  });
}
