// `corral rollback ID`: returns an extension to the version it had before its last update (one
// step; rolling back again returns to the newer one).
import type { CliIO } from './io.ts';
import type { Services } from '../service/services.ts';
import { takeFlags, usageError, withManager } from './manager-args.ts';

const USAGE = 'corral rollback ID';

export async function rollbackCommand(
  argv: string[],
  io: CliIO,
  services: Services,
): Promise<number> {
  const { rest } = takeFlags(argv, []);
  if (rest.length !== 1 || rest[0]!.startsWith('-'))
    return usageError(io, 'rollback', 'give one extension id', USAGE);
  const id = rest[0]!;
  return withManager(services, io, 'rollback', (manager) => {
    const before = manager.require(id).current.version;
    const record = manager.rollback(id);
    io.stdout(`${id} rolled back from ${before} to ${record.current.version}\n`);
    return 0;
  });
}
