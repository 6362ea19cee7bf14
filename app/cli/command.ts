// Binds a command's spec (specs.ts) to its implementation: the words are parsed with args.ts,
// --help is printed from the spec, a usage error is one line, and the command gets typed arguments.
import { helpText, parseArgs, type CommandSpec, type ParsedArgs } from './args.ts';
import type { CliIO } from './io.ts';
import type { Services } from '../service/services.ts';

/** A command: its words, the process it may touch, and the parts it may use (built lazily). */
export type CommandMain = (argv: string[], io: CliIO, services: Services) => Promise<number>;

/** The command `run`, reached through `spec`'s parser and help. */
export function command<C extends CommandSpec>(
  spec: C,
  run: (args: ParsedArgs<C>, io: CliIO, services: Services) => Promise<number> | number,
): CommandMain {
  return async (argv, io, services) => {
    const outcome = parseArgs(spec, argv);
    if (outcome.kind === 'help') {
      io.stdout(helpText(spec));
      return 0;
    }
    if (outcome.kind === 'error') return usageFailure(io, spec, outcome.message);
    return run(outcome.args, io, services);
  };
}

/** A usage error found after parsing (two options that exclude each other): one line, the usage exit. */
export function usageFailure(io: CliIO, spec: CommandSpec, message: string): number {
  io.stderr(`corral ${spec.name}: ${message}\n`);
  return spec.usageExit ?? 2;
}
