// `corral lint FILE [--json]`: lints a manifest, policy file or rules file. Exit 0 when clean or
// only warnings, 1 on any error, 2 on a usage error or an unreadable file (CI can tell them apart).
import { readPolicyText } from '../platform/read-text.ts';
import { lineOf, type PolicyError } from '../policy/errors.ts';
import { parseJsonSource } from '../policy/json-source.ts';
import { lintPolicy, type LintFinding } from '../policy/lint.ts';
import { policyOf, validatePolicyValue, type PolicyInput } from '../policy/manifest.ts';
import { compileRules } from '../policy/rules.ts';
import { command } from './command.ts';
import { lintSpec } from './specs.ts';

export type LintedKind = 'manifest' | 'policy' | 'rules';

/** The findings for one file's text; `name` decides JSON or rules when the text does not. */
export function lintText(
  text: string,
  name: string,
): { kind: LintedKind; findings: LintFinding[] } {
  const isJson = name.endsWith('.json') || text.trimStart().startsWith('{');
  if (!isJson) {
    const rules = compileRules(text);
    if (!rules.ok)
      return {
        kind: 'rules',
        findings: rules.errors.map((e) => errorFinding(e, e.pointer ? 'schema' : 'rules-syntax')),
      };
    return {
      kind: 'rules',
      findings: lintPolicy(policyOf(rules.fragment), { lines: rules.lines }),
    };
  }
  const json = parseJsonSource(text);
  if (!json.ok) return { kind: 'manifest', findings: [errorFinding(json.error, 'schema')] };
  const doc = validatePolicyValue(json.value);
  if (!doc.ok)
    return {
      kind: looksLikeFragment(json.value) ? 'policy' : 'manifest',
      findings: doc.errors.map((e) => {
        const line = lineOf(json.lines, e.pointer);
        return errorFinding(line === undefined ? e : { ...e, line }, 'schema');
      }),
    };
  const policy: PolicyInput = doc.policy;
  return {
    kind: doc.kind,
    findings: lintPolicy(policy, { lines: json.lines, notices: doc.notices }),
  };
}

/** Runs `corral lint`; see the file comment for the exit codes. */
export const lintCommand = command(lintSpec, async ({ positionals, options }, io) => {
  const json = options.json;
  const file = positionals.path;
  const read = await readPolicyText(file, io.cwd);
  if (!read.ok) {
    if (json) io.stdout(JSON.stringify({ file, ok: false, error: read.error }) + '\n');
    else io.stderr(`corral lint: ${read.error}\n`);
    return 2;
  }
  const { kind, findings } = lintText(read.text, file);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const summary = { errors: count('error'), warnings: count('warning'), infos: count('info') };
  if (json) {
    io.stdout(JSON.stringify({ file, kind, ok: summary.errors === 0, findings, summary }) + '\n');
  } else {
    const byLine = [...findings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    for (const f of byLine) io.stdout(formatFinding(file, f) + '\n');
    const parts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning')];
    if (summary.infos) parts.push(plural(summary.infos, 'note'));
    io.stdout(findings.length ? `${file}: ${parts.join(', ')}\n` : `${file}: no problems found\n`);
  }
  return summary.errors > 0 ? 1 : 0;
});

/** One line: `file:line: /pointer: severity rule-id: message; fix: …`. */
export function formatFinding(file: string, f: LintFinding): string {
  const where = f.line !== undefined ? `${file}:${f.line}` : file;
  const pointer = f.pointer ? ` ${f.pointer}:` : '';
  return `${where}:${pointer} ${f.severity} ${f.rule}: ${f.message}; fix: ${f.fix}`;
}

function errorFinding(e: PolicyError, rule: string): LintFinding {
  const f: LintFinding = {
    rule,
    severity: 'error',
    pointer: e.pointer,
    message: e.message,
    fix: e.fix,
  };
  if (e.line !== undefined) f.line = e.line;
  return f;
}

function looksLikeFragment(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !('manifestVersion' in value) && !('id' in value)
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
