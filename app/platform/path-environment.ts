// The path variables an extension's environment reveals (app/policy/variables.ts, resolved by the SDKs): always
// its data and temporary folders, the workspace when one is open, and ${home}, ${documents},
// ${downloads} only when one of its grants (required or optional) reaches into or over them, so
// that an extension granted nothing there does not learn where they are (nor the user's name).
// Real paths: that is where granted folders are inside the sandbox.
import { realpathSync } from 'node:fs';
import type { PolicyInput } from '../policy/manifest.ts';
import { isWithin } from '../policy/paths.ts';
import { PATH_VARIABLE_ENV, expandGrantPath, type PathVariables } from '../policy/variables.ts';

/** CORRAL_WORKSPACE, CORRAL_DOWNLOADS… for this extension and run. */
export function pathEnvironment(vars: PathVariables, policy: PolicyInput): Record<string, string> {
  const grants = [...(policy.permissions.fs ?? []), ...(policy.optionalPermissions.fs ?? [])]
    .map((g) => expandGrantPath(g.path, vars))
    .flatMap((r) => (r.ok ? [r.path] : []));
  const reaches = (folder: string) =>
    grants.some((g) => isWithin(g, folder) || isWithin(folder, g));
  const env: Record<string, string> = {
    [PATH_VARIABLE_ENV.extensionData]: real(vars.extensionData),
    [PATH_VARIABLE_ENV.tmp]: real(vars.tmp),
  };
  if (vars.workspace !== null) env[PATH_VARIABLE_ENV.workspace] = real(vars.workspace);
  for (const name of ['home', 'documents', 'downloads'] as const)
    if (reaches(vars[name])) env[PATH_VARIABLE_ENV[name]] = real(vars[name]);
  return env;
}

/** The real path where it exists (a symlinked ~/Documents is bound at its target), else as given. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
