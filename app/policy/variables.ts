// The path variables a grant starts with (${workspace}, ${home}, …): checking and expanding them.
import { normalizeAbsolutePath } from './paths.ts';

/** The values of the path variables on this machine, for this extension and this run. */
export interface PathVariables {
  /** The folder the user opened; null when none is open. */
  workspace: string | null;
  home: string;
  documents: string;
  downloads: string;
  /** The extension's private data folder (always granted read-write). */
  extensionData: string;
  /** A private temporary folder (always granted read-write). */
  tmp: string;
}

export type PathVariableName = keyof PathVariables;

export const PATH_VARIABLES: readonly PathVariableName[] = [
  'workspace',
  'home',
  'documents',
  'downloads',
  'extensionData',
  'tmp',
];

/**
 * The environment variable that tells a running extension where each path variable is inside its
 * sandbox (app/platform/path-environment.ts sets them, the SDKs read them).
 */
export const PATH_VARIABLE_ENV: Readonly<Record<PathVariableName, string>> = {
  workspace: 'CORRAL_WORKSPACE',
  home: 'CORRAL_HOME',
  documents: 'CORRAL_DOCUMENTS',
  downloads: 'CORRAL_DOWNLOADS',
  extensionData: 'CORRAL_EXTENSION_DATA',
  tmp: 'CORRAL_TMP',
};

const VARIABLE_LIST = PATH_VARIABLES.map((v) => '${' + v + '}').join(', ');
const GLOB = /[*?[\]{}]/;

/** What is wrong with a grant path as written in a manifest, or null when it is acceptable. */
export function checkGrantPath(path: string): { message: string; fix: string } | null {
  if (path.length === 0)
    return { message: 'the path is empty', fix: 'write a path such as "${workspace}"' };
  if (path.length > 4000)
    return { message: 'the path is longer than 4000 characters', fix: 'grant a shorter path' };
  if (/[\0\n\r]/.test(path))
    return {
      message: 'the path contains a NUL or line break',
      fix: 'remove the control character',
    };
  if (path.includes('\\'))
    return { message: 'the path contains a backslash', fix: 'separate folders with "/"' };
  if (path.startsWith('~'))
    return {
      message: `"${path}" starts with "~", which is not expanded`,
      fix: `write "\${home}${path.slice(1)}"`,
    };
  let rest = path;
  const variable = /^\$\{([^}]*)\}/.exec(path);
  if (variable) {
    const name = variable[1]!;
    if (!(PATH_VARIABLES as readonly string[]).includes(name))
      return {
        message: `unknown variable \${${name}}`,
        fix: `start the path with one of ${VARIABLE_LIST}`,
      };
    rest = path.slice(variable[0].length);
    if (rest !== '' && !rest.startsWith('/'))
      return {
        message: `"${path}" has text straight after \${${name}}`,
        fix: `write "\${${name}}/${rest}"`,
      };
  } else if (path.startsWith('$')) {
    return {
      message: `"${path}" uses an environment variable`,
      fix: `start the path with one of ${VARIABLE_LIST}`,
    };
  } else if (!path.startsWith('/')) {
    return {
      message: `"${path}" is a relative path`,
      fix: `start it with a variable, e.g. "\${workspace}/${path}"`,
    };
  }
  if (rest.includes('$'))
    return {
      message: `"${path}" has a "$" after its start`,
      fix: `a variable may only begin the path (${VARIABLE_LIST})`,
    };
  if (GLOB.test(rest))
    return {
      message: `"${path}" contains a glob character (* ? [ ] { })`,
      fix: 'grant the folder itself: a grant covers its whole subtree',
    };
  if (rest.split('/').includes('..'))
    return { message: `"${path}" contains a ".." segment`, fix: 'write the path without ".."' };
  return null;
}

/** The variable a grant path starts with, or null for an absolute path. */
export function grantVariable(path: string): PathVariableName | null {
  const m = /^\$\{([A-Za-z]+)\}/.exec(path);
  return m && (PATH_VARIABLES as readonly string[]).includes(m[1]!)
    ? (m[1] as PathVariableName)
    : null;
}

/** Expands a grant path to an absolute, normalised path, or says in one sentence why it cannot. */
export function expandGrantPath(
  path: string,
  vars: PathVariables,
): { ok: true; path: string } | { ok: false; error: string } {
  const problem = checkGrantPath(path);
  if (problem) return { ok: false, error: `${problem.message}; fix: ${problem.fix}` };
  const name = grantVariable(path);
  let base = '';
  let rest = path;
  if (name) {
    const value = vars[name];
    if (value === null)
      return {
        ok: false,
        error: `\${${name}} is not set because no folder is open; fix: open a folder (--workspace DIR)`,
      };
    base = value;
    rest = path.slice(name.length + 3);
  }
  const full = normalizeAbsolutePath(base + '/' + rest);
  if (full === null || (!base.startsWith('/') && name !== null))
    return {
      ok: false,
      error: `\${${name}} is "${base}", not an absolute path; fix: set it to an absolute folder`,
    };
  return { ok: true, path: full };
}
