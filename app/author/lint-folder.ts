// `corral lint DIR`: an extension folder checked as `corral run` and `corral install` would load it,
// every problem in one pass: the manifest (schema and risky grants together), its `main` (exists,
// inside the folder, executable for runtime exec), and the rules file corral.rules when there is
// one (valid, and saying the same as the manifest, which is what runs).
import { realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { policyRules } from '../consent/grants.ts';
import { readPolicyText } from '../platform/read-text.ts';
import { lineOf } from '../policy/errors.ts';
import { parseJsonSource } from '../policy/json-source.ts';
import type { LintFinding } from '../policy/lint.ts';
import { policyOf, validatePolicyValue, type PolicyInput } from '../policy/manifest.ts';
import { isWithin } from '../policy/paths.ts';
import { compileRules } from '../policy/rules.ts';
import { lintText, type LintedKind } from './lint-text.ts';

/** The rules file beside corral.json, when the author keeps the permissions as rules. */
export const RULES_FILE = 'corral.rules';

/** One linted file: its findings, or why it could not be read. */
export interface FileReport {
  /** As the person named it (DIR/corral.json). */
  file: string;
  kind: LintedKind | 'extension';
  findings: LintFinding[];
  /** Set when the file could not be read (exit 2). */
  error?: string;
}

/** Lints PATH: a file, or an extension folder (its manifest, main and rules file). */
export async function lintPath(path: string, cwd: string): Promise<FileReport[]> {
  let isFolder = false;
  try {
    isFolder = statSync(resolve(cwd, path)).isDirectory();
  } catch {
    // not there: readPolicyText below says so in its words
  }
  if (isFolder) return lintFolder(path, cwd);
  const read = await readPolicyText(path, cwd);
  if (!read.ok) return [{ file: path, kind: 'manifest', findings: [], error: read.error }];
  return [{ file: path, ...lintText(read.text, path) }];
}

async function lintFolder(dir: string, cwd: string): Promise<FileReport[]> {
  const manifestFile = join(dir, 'corral.json');
  const read = await readPolicyText(manifestFile, cwd);
  if (!read.ok)
    return [
      {
        file: manifestFile,
        kind: 'manifest',
        findings: [],
        error: read.error.replace(
          /; fix: .*$/,
          '; fix: give an extension folder (with corral.json)',
        ),
      },
    ];
  const manifest: FileReport = { file: manifestFile, ...lintText(read.text, manifestFile) };
  const json = parseJsonSource(read.text);
  const value = json.ok ? json.value : null;
  if (json.ok) manifest.findings.push(...mainFindings(value, resolve(cwd, dir), json.lines));
  const reports = [manifest];
  const rulesFile = join(dir, RULES_FILE);
  let rulesText: string | null = null;
  try {
    statSync(resolve(cwd, rulesFile));
    const rules = await readPolicyText(rulesFile, cwd);
    if (!rules.ok)
      reports.push({ file: rulesFile, kind: 'rules', findings: [], error: rules.error });
    else rulesText = rules.text;
  } catch {
    // no rules file: the manifest alone is the source
  }
  if (rulesText !== null) {
    const report: FileReport = { file: rulesFile, ...lintText(rulesText, rulesFile) };
    const drift = rulesDrift(rulesText, value);
    if (drift) report.findings.push(drift);
    reports.push(report);
  }
  return reports;
}

/** The files a lint of `path` reads: the file, or a folder's corral.json, corral.rules and main. */
export async function watchedFiles(path: string, cwd: string): Promise<string[]> {
  const full = resolve(cwd, path);
  let isFolder = false;
  try {
    isFolder = statSync(full).isDirectory();
  } catch {
    return [full];
  }
  if (!isFolder) return [full];
  const files = [join(full, 'corral.json'), join(full, RULES_FILE)];
  const read = await readPolicyText(files[0]!, cwd);
  const json = read.ok ? parseJsonSource(read.text) : null;
  const main = json?.ok ? (json.value as { main?: unknown }).main : undefined;
  if (typeof main === 'string' && main !== '') files.push(join(full, main));
  return files;
}

/** What is wrong with the manifest's `main` in this folder, as loadExtension would refuse it. */
function mainFindings(
  value: unknown,
  dir: string,
  lines: ReadonlyMap<string, number>,
): LintFinding[] {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const main = record.main;
  if (typeof main !== 'string' || main === '') return []; // the schema reports it
  const finding = (rule: string, message: string, fix: string): LintFinding[] => {
    const f: LintFinding = { rule, severity: 'error', pointer: '/main', message, fix };
    const line = lineOf(lines, '/main');
    if (line !== undefined) f.line = line;
    return [f];
  };
  let real: string;
  try {
    real = realpathSync(join(dir, main));
  } catch {
    return finding(
      'main-missing',
      `${main} does not exist in the extension folder`,
      'build the extension (npm run build), or point "main" at its entry file',
    );
  }
  if (!isWithin(real, realpathSync(dir)))
    return finding(
      'main-escapes',
      `${main} leads out of the extension folder (to ${real}), so it would run code the user never approved`,
      'point "main" at a file inside the folder',
    );
  const stat = statSync(real);
  if (!stat.isFile())
    return finding('main-missing', `${main} is a folder, not a file`, 'point "main" at a file');
  if (record.runtime === 'exec' && (stat.mode & 0o111) === 0)
    return finding(
      'main-not-executable',
      `${main} is not executable, and runtime "exec" runs it directly`,
      `chmod +x ${main}`,
    );
  return [];
}

/**
 * A finding when corral.rules and corral.json disagree (grants or limits): the manifest is what
 * runs and what users consent to, the rules are what the author reads.
 */
function rulesDrift(rulesText: string, manifestValue: unknown): LintFinding | null {
  const rules = compileRules(rulesText);
  if (!rules.ok || manifestValue === null) return null; // their own findings say why
  const doc = validatePolicyValue(manifestValue);
  if (!doc.ok) return null;
  const fromRules = policyOf(rules.fragment);
  const onlyRules = difference(policyRules(fromRules), policyRules(doc.policy));
  const onlyManifest = difference(policyRules(doc.policy), policyRules(fromRules));
  const limits = limitDifference(fromRules, doc.policy);
  if (onlyRules.length + onlyManifest.length + limits.length === 0) return null;
  const parts = [
    ...onlyRules.map((r) => `the rules say "${r}" and corral.json does not`),
    ...onlyManifest.map((r) => `corral.json says "${r}" and the rules do not`),
    ...limits,
  ];
  return {
    rule: 'rules-drift',
    severity: 'error',
    pointer: '',
    message: `${RULES_FILE} and corral.json disagree: ${parts.join('; ')}`,
    fix: `run "corral policy compile ${RULES_FILE}" and put its output into corral.json (corral.json is what runs)`,
  };
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b);
  return [...new Set(a)].filter((x) => !other.has(x));
}

function limitDifference(rules: PolicyInput, manifest: PolicyInput): string[] {
  const names = new Set([...Object.keys(rules.limits), ...Object.keys(manifest.limits)]);
  const out: string[] = [];
  for (const name of [...names].sort()) {
    const a = (rules.limits as Record<string, number | undefined>)[name];
    const b = (manifest.limits as Record<string, number | undefined>)[name];
    if (a !== b)
      out.push(
        `limits.${name} is ${a ?? 'the default'} in the rules, ${b ?? 'the default'} in corral.json`,
      );
  }
  return out;
}
