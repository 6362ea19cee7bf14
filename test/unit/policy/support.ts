// Shared test helpers for the policy suites: one machine's path variables, fixtures, compiling.
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { compilePolicy, type CompiledPolicy } from '../../../app/policy/compile.ts';
import type { Permissions, ManifestLimits } from '../../../app/policy/manifest.ts';
import type { PathVariables } from '../../../app/policy/variables.ts';

export const VARS: PathVariables = {
  workspace: '/home/u/project',
  home: '/home/u',
  documents: '/home/u/Documents',
  downloads: '/home/u/Downloads',
  extensionData: '/home/u/.local/share/corral/data/acme.x',
  tmp: '/tmp/corral-acme.x',
};

export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/policy/${name}`, import.meta.url), 'utf8');
}

/** Compiles permissions that must compile, failing the test otherwise. */
export function compiled(
  permissions: Permissions,
  optionalPermissions: Permissions = {},
  limits: ManifestLimits = {},
  vars: PathVariables = VARS,
): CompiledPolicy {
  const r = compilePolicy(permissions, limits, vars, optionalPermissions);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.policy;
}
