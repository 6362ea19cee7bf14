// Where the path variables of a manifest (${workspace}, ${downloads}…) are for a running extension:
// the host puts each one it may reveal in the extension's environment (one variable per name,
// beside CORRAL_EXTENSION_DATA), and the SDKs resolve '${downloads}/report.csv' from there, so an
// author never writes a real path. Pure; the Python SDK mirrors the table (a test compares them).
import * as z from 'zod';
import { PATH_VARIABLE_ENV, PATH_VARIABLES, type PathVariableName } from '../policy/variables.ts';
import { normalizeAbsolutePath } from '../policy/paths.ts';

export { PATH_VARIABLE_ENV };

const absolute = z
  .string()
  .max(4096)
  .refine((p) => normalizeAbsolutePath(p) === p, 'expected a normalised absolute path');

/** The part of an extension's environment that carries path variables (each present or not). */
export const pathEnvironmentSchema = z.object(
  Object.fromEntries(Object.values(PATH_VARIABLE_ENV).map((name) => [name, absolute.optional()])),
);

/** Why a path template cannot be resolved: an actionable sentence and a JSON-RPC code. */
export interface PathProblem {
  code: 'invalid' | 'unavailable';
  message: string;
}

/**
 * '${downloads}/a.csv' → '/home/u/Downloads/a.csv' from `env` (the extension's environment); an
 * absolute path is returned normalised. A variable the host did not reveal (no folder is open, or
 * the manifest grants nothing there) or a malformed template is a PathProblem.
 */
export function resolvePathTemplate(
  template: string,
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; path: string } | { ok: false; problem: PathProblem } {
  const invalid = (message: string) =>
    ({ ok: false, problem: { code: 'invalid', message } }) as const;
  if (template.includes('\0')) return invalid('a path cannot contain a NUL character');
  const m = /^\$\{([^}]*)\}(.*)$/s.exec(template);
  if (!m) {
    const path = normalizeAbsolutePath(template);
    return path === null
      ? invalid(
          `"${template}" is neither an absolute path nor a path variable; write e.g. "\${workspace}/notes.md"`,
        )
      : { ok: true, path };
  }
  const name = m[1] as PathVariableName;
  const rest = m[2]!;
  if (!(PATH_VARIABLES as readonly string[]).includes(name))
    return invalid(
      `unknown variable \${${name}}; use one of ${PATH_VARIABLES.map((v) => '${' + v + '}').join(', ')}`,
    );
  if (rest !== '' && !rest.startsWith('/'))
    return invalid(
      `"${template}" has text straight after \${${name}}; write "\${${name}}/${rest}"`,
    );
  const base = env[PATH_VARIABLE_ENV[name]];
  if (base === undefined || base === '')
    return {
      ok: false,
      problem: {
        code: 'unavailable',
        message:
          name === 'workspace'
            ? 'no folder is open, so ${workspace} means nothing; open one (corral run DIR --workspace FOLDER)'
            : `\${${name}} is not known to this extension: its manifest grants nothing there; add e.g. "read \${${name}}" to its permissions or optionalPermissions`,
      },
    };
  const path = normalizeAbsolutePath(base + rest);
  if (path === null)
    return invalid(`"${template}" leaves \${${name}} (".."); write the path without ".."`);
  return { ok: true, path };
}
