// Shared by the extension-manager commands (install, list, uninstall, …): yes/no flags beside the
// option parser, the manager opened with every refusal as one line, and the y/N question.
import { createInterface } from 'node:readline';
import type { ExtensionManager } from '../manager/manager.ts';
import { ManagerError } from '../manager/manager.ts';
import { StateError } from '../manager/state-db.ts';
import { PackageError } from '../manager/staging-tree.ts';
import type { CliIO } from './io.ts';
import { ServiceError, type Services } from '../service/services.ts';

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

/** Runs `run` with the manager, and turns a refusal into one line on stderr and exit 1. */
export async function withManager(
  services: Services,
  io: CliIO,
  command: string,
  run: (manager: ExtensionManager) => Promise<number> | number,
): Promise<number> {
  try {
    return await run(services.manager());
  } catch (e) {
    if (
      e instanceof ManagerError ||
      e instanceof StateError ||
      e instanceof PackageError ||
      e instanceof ServiceError
    ) {
      io.stderr(`corral ${command}: ${e.message}\n`);
      return 1;
    }
    throw e;
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
