// `corral policy compile RULES`: prints the manifest fragment (permissions, optionalPermissions,
// limits) a rules file compiles to, as JSON on stdout.
import { readPolicyText } from '../platform/read-text.ts';
import { formatPolicyError } from '../policy/errors.ts';
import { compileRules } from '../policy/rules.ts';
import { command } from './command.ts';
import { policyCompileSpec } from './specs.ts';

/** Exit 0 with the JSON on stdout; 1 when the rules have errors; 2 on a usage or read error. */
export const policyCompileCommand = command(policyCompileSpec, async ({ positionals }, io) => {
  const file = positionals.rules;
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
});
