// `corral uninstall ID [--keep-data]`: removes an installed extension, every version of it, and
// its data folder unless --keep-data.
import { extensionDataDir } from '../platform/corral-dirs.ts';
import { command } from './command.ts';
import { withManager } from './manager-args.ts';
import { uninstallSpec } from './specs.ts';

export const uninstallCommand = command(uninstallSpec, ({ positionals, options }, io, services) => {
  const id = positionals.id;
  const keep = options['keep-data'];
  return withManager(services, io, 'uninstall', (manager) => {
    const version = manager.require(id).current.version;
    manager.uninstall(id, keep);
    io.stdout(
      `uninstalled ${id} ${version}; ${keep ? `its data stays in ${extensionDataDir(io.env, id)}` : 'its data was removed'}\n`,
    );
    return 0;
  });
});
