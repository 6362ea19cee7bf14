// Shared by the extension-manager commands (install, list, uninstall, …): the manager with every
// refusal as one line, and the y/N question.
import { createInterface } from 'node:readline';
import type { ExtensionManager } from '../manager/manager.ts';
import { ManagerError } from '../manager/manager.ts';
import { StateError } from '../manager/state-db.ts';
import { PackageError } from '../manager/staging-tree.ts';
import type { CliIO } from './io.ts';
import { writerStream } from './terminal-prompt.ts';
import { ServiceError, type Services } from '../service/services.ts';

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

/**
 * Asks `question` on the terminal and resolves true only for "y" or "yes". Null when there is
 * no terminal to ask on (the caller then needs --yes).
 */
export function askYesNo(io: CliIO, question: string): Promise<boolean> | null {
  if (!io.stdin.isTTY) return null;
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, output: writerStream(io.stderr) });
    rl.question(`${question} [y/N] `, (answer) => {
      rl.close();
      resolve(/^(y|yes)$/i.test(answer.trim()));
    });
  });
}
