// `corral rollback ID`: returns an extension to the version it had before its last update. It
// goes back only: the newer version is removed, and with nothing older kept it says so (exit 1).
import { command } from './command.ts';
import { withManager } from './manager-args.ts';
import { rollbackSpec } from './specs.ts';

export const rollbackCommand = command(rollbackSpec, ({ positionals }, io, services) => {
  const id = positionals.id;
  return withManager(services, io, 'rollback', (manager) => {
    const before = manager.require(id).current.version;
    const record = manager.rollback(id);
    io.stdout(
      `${id} rolled back from ${before} to ${record.current.version}; ${before} is removed (install it again to return to it)\n`,
    );
    return 0;
  });
});
