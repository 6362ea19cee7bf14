// `corral uninstall ID [--keep-data]`: removes an installed extension, every version of it, and
// its data folder unless --keep-data.
import { extensionDataDir } from '../platform/corral-dirs.ts';
import type { CliIO } from './io.ts';
import type { Services } from '../service/services.ts';
import { takeFlags, usageError, withManager } from './manager-args.ts';

const USAGE = 'corral uninstall ID [--keep-data]';

export async function uninstallCommand(
  argv: string[],
  io: CliIO,
  services: Services,
): Promise<number> {
  const { flags, rest } = takeFlags(argv, ['keep-data']);
  const option = rest.find((a) => a.startsWith('-'));
  if (option) return usageError(io, 'uninstall', `unknown option "${option}"`, USAGE);
  if (rest.length !== 1) return usageError(io, 'uninstall', 'give one extension id', USAGE);
  const id = rest[0]!;
  const keep = flags.has('keep-data');
  return withManager(services, io, 'uninstall', (manager) => {
    const version = manager.require(id).current.version;
    manager.uninstall(id, keep);
    io.stdout(
      `uninstalled ${id} ${version}; ${keep ? `its data stays in ${extensionDataDir(io.env, id)}` : 'its data was removed'}\n`,
    );
    return 0;
  });
}
