// `corral policy compile RULES`: prints the manifest fragment (permissions, optionalPermissions,
// limits) a rules file compiles to, as JSON on stdout.
import { readPolicyText } from '../platform/read-text.ts';
import { formatPolicyError } from '../policy/errors.ts';
import { compileRules } from '../policy/rules.ts';
import type { CliIO } from './io.ts';

const USAGE = 'usage: corral policy compile RULES   (prints the manifest fragment as JSON)\n';

/** Exit 0 with the JSON on stdout; 1 when the rules have errors; 2 on a usage or read error. */
export async function policyCompileCommand(args: string[], io: CliIO): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  const option = args.find((a) => a.startsWith('-') && a !== '-');
  if (option || args.length !== 1) {
    io.stderr(
      `corral policy compile: ${option ? `unknown option ${option}` : 'expected exactly one RULES file'}; fix: run "corral policy compile RULES"\n`,
    );
    return 2;
  }
  const file = args[0]!;
  const read = await readPolicyText(file, io.cwd);
  if (!read.ok) {
    io.stderr(`corral policy compile: ${read.error}\n`);
    return 2;
  }
  const compiled = compileRules(read.text);
  if (!compiled.ok) {
    for (const e of compiled.errors) io.stderr(formatPolicyError(file, e) + '\n');
    return 1;
  }
  io.stdout(JSON.stringify(compiled.fragment, null, 2) + '\n');
  return 0;
}
