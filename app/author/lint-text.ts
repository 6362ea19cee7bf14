// The linter's findings for one file's text: a manifest, a policy file or a rules file, in one pass
// (schema errors and the risky-grant rules together, so a typo elsewhere hides nothing).
import { lineOf, type PolicyError } from '../policy/errors.ts';
import { parseJsonSource } from '../policy/json-source.ts';
import { lintPolicy, type LintFinding } from '../policy/lint.ts';
import {
  limitsSchema,
  permissionsSchema,
  policyOf,
  validatePolicyValue,
  type PolicyInput,
} from '../policy/manifest.ts';
import { compileRules } from '../policy/rules.ts';

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
      findings: [
        ...doc.errors.map((e) => {
          const line = lineOf(json.lines, e.pointer);
          return errorFinding(line === undefined ? e : { ...e, line }, 'schema');
        }),
        // The sections that are valid on their own are linted too: one pass, not "fix, re-run".
        ...lintPolicy(validSections(json.value), { lines: json.lines }),
      ],
    };
  const policy: PolicyInput = doc.policy;
  return {
    kind: doc.kind,
    findings: lintPolicy(policy, { lines: json.lines, notices: doc.notices }),
  };
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

/** The permissions, optional permissions and limits of a document that are valid by themselves. */
function validSections(value: unknown): PolicyInput {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const permissions = (v: unknown) => {
    const r = permissionsSchema.safeParse(v ?? {});
    return r.success ? r.data : {};
  };
  const limits = limitsSchema.safeParse(record.limits ?? {});
  return policyOf({
    permissions: permissions(record.permissions),
    optionalPermissions: permissions(record.optionalPermissions),
    limits: limits.success ? limits.data : {},
  });
}
