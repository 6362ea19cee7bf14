// The mock file system of `corral dev`: the path variables point into a scratch copy of a fixture
// folder laid out as the variables (workspace/, home/, documents/, downloads/, extensionData/), so
// that an extension in progress never sees the author's real files, and every session starts from
// the same ones. Only `--workspace DIR` names a real folder, and only because the author said so.
import { cpSync, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PathVariables } from '../../policy/variables.ts';

/** The folders of a fixture folder, by the variable each stands for. */
export const FIXTURE_FOLDERS = [
  'workspace',
  'home',
  'documents',
  'downloads',
  'extensionData',
] as const;

export interface MockFolders {
  vars: Omit<PathVariables, 'tmp'>;
  /** What each variable is in this session, for the banner ("${documents} → …"). */
  lines: string[];
  /** Every folder the mock file system consists of (what a learning run may reach). */
  roots: string[];
}

/** A fixture folder that cannot be used: one line naming it and the fix. */
export class FixturesError extends Error {}

/**
 * Lays out the session's mock folders under `scratch`: copies of `fixtures`' subfolders (empty
 * ones where it has none, or without --fixtures), `workspace` the author's own when given.
 */
export function mockFolders(o: {
  scratch: string;
  fixtures?: string;
  workspace?: string | null;
}): MockFolders {
  if (o.fixtures !== undefined) {
    let isFolder = false;
    try {
      isFolder = statSync(o.fixtures).isDirectory();
    } catch {
      // said below
    }
    if (!isFolder)
      throw new FixturesError(
        `--fixtures ${o.fixtures} is not a folder; fix: give a folder with workspace/, documents/, downloads/… inside`,
      );
  }
  const folder = (name: (typeof FIXTURE_FOLDERS)[number]): string => {
    const copy = join(o.scratch, name);
    const source = o.fixtures === undefined ? null : join(o.fixtures, name);
    if (source !== null && existsSync(source)) cpSync(source, copy, { recursive: true });
    else mkdirSync(copy, { recursive: true });
    return realpathSync(copy);
  };
  const workspace = o.workspace ?? folder('workspace');
  const vars = {
    workspace,
    home: folder('home'),
    documents: folder('documents'),
    downloads: folder('downloads'),
    extensionData: folder('extensionData'),
  };
  const from = o.fixtures === undefined ? 'empty' : `a copy of ${o.fixtures}`;
  const lines = [
    `\${workspace} → ${workspace}${o.workspace ? ' (the folder you gave: real files)' : ` (mock: ${from})`}`,
    ...(['home', 'documents', 'downloads', 'extensionData'] as const).map(
      (v) => `\${${v}} → ${vars[v]} (mock: ${from})`,
    ),
  ];
  return { vars, lines, roots: Object.values(vars) };
}
