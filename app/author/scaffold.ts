// `corral new NAME --template T`: a working extension in a new folder, copied from templates/T with
// its names filled in: the manifest and its rules file, the source, tests that pass, a README and
// a .corralignore; for the Node templates also the SDK's tarball in vendor/, which package.json
// installs from (no registry needed for the SDK).
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTENSION_ID_PATTERN } from '../policy/manifest.ts';
import { sdkTarball } from './sdk-package.ts';

export const TEMPLATES = ['node', 'typescript', 'python', 'shell'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** Nothing was created: one line saying why and what to do. */
export class ScaffoldError extends Error {}

export interface ScaffoldRequest {
  /** "name" or "publisher.name". */
  name: string;
  template: TemplateName;
  publisher?: string;
  /** The folder to create (default ./name). */
  dir?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Scaffolded {
  dir: string;
  id: string;
  /** Paths relative to `dir`, sorted. */
  files: string[];
  /** The commands to run next, in order. */
  next: string[];
}

const WORD = /^[a-z0-9][a-z0-9-]*$/;

/** The templates' folder: dist/templates beside the CLI bundle, or templates/ in a checkout. */
export function templatesDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'templates'), join(here, '..', '..', 'templates')];
  return candidates.find((dir) => existsSync(join(dir, 'node', 'corral.json'))) ?? null;
}

/** Creates the extension folder; throws ScaffoldError before writing anything when it cannot. */
export function scaffold(r: ScaffoldRequest): Scaffolded {
  const { publisher, name } = names(r);
  const id = `${publisher}.${name}`;
  if (!EXTENSION_ID_PATTERN.test(id) || id.length > 64)
    throw new ScaffoldError(
      `"${id}" is longer than an extension id may be (64); fix: a shorter name`,
    );
  const dir = resolve(r.cwd, r.dir ?? name);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0))
    throw new ScaffoldError(
      `${dir} exists and is not an empty folder; fix: choose another NAME or --dir`,
    );
  const source = templatesDir();
  if (source === null)
    throw new ScaffoldError(
      'the templates are missing; fix: run "npm run build" in the Corral folder',
    );
  const sdk = r.template === 'node' || r.template === 'typescript' ? sdkTarball() : null;
  const values: Record<string, string> = {
    id,
    name,
    publisher,
    title: name
      .split('-')
      .filter(Boolean)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' '),
    sdk: sdk?.name ?? '',
  };
  const files: string[] = [];
  const copy = (from: string, to: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const src = join(from, entry.name);
      const dst = join(to, entry.name);
      if (entry.isDirectory()) {
        copy(src, dst);
        continue;
      }
      const text = readFileSync(src, 'utf8').replace(
        /\{\{(id|name|publisher|title|sdk)\}\}/g,
        (_, k: string) => values[k]!,
      );
      mkdirSync(to, { recursive: true });
      writeFileSync(dst, text, { flag: 'wx', mode: statSync(src).mode & 0o111 ? 0o755 : 0o644 });
      files.push(relative(dir, dst));
    }
  };
  copy(join(source, r.template), dir);
  if (sdk) {
    mkdirSync(join(dir, 'vendor'), { recursive: true });
    writeFileSync(join(dir, 'vendor', sdk.name), sdk.bytes, { flag: 'wx' });
    files.push(`vendor/${sdk.name}`);
  }
  return { dir, id, files: files.sort(), next: nextSteps(r.template, name, dir, r.cwd) };
}

/** The publisher and the name, from NAME, --publisher and the user's name, each checked. */
function names(r: ScaffoldRequest): { publisher: string; name: string } {
  const dot = r.name.indexOf('.');
  const name = dot === -1 ? r.name : r.name.slice(dot + 1);
  const fromName = dot === -1 ? undefined : r.name.slice(0, dot);
  if (!WORD.test(name))
    throw new ScaffoldError(
      `"${name}" cannot be part of an extension id; fix: use lower-case letters, digits and "-", e.g. "${slug(name) || 'word-count'}"`,
    );
  if (r.publisher !== undefined && fromName !== undefined && r.publisher !== fromName)
    throw new ScaffoldError(
      `NAME says the publisher is "${fromName}" and --publisher says "${r.publisher}"; fix: give it once`,
    );
  const publisher = r.publisher ?? fromName ?? slug(r.env.USER ?? r.env.LOGNAME ?? '');
  if (!publisher)
    throw new ScaffoldError(
      'there is no publisher for the id; fix: add --publisher NAME (your name or organisation)',
    );
  if (!WORD.test(publisher) || publisher.length > 63)
    throw new ScaffoldError(
      `"${publisher}" cannot be a publisher; fix: use lower-case letters, digits and "-", e.g. "${slug(publisher) || 'acme'}"`,
    );
  return { publisher, name };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

function nextSteps(template: TemplateName, name: string, dir: string, cwd: string): string[] {
  const where = relative(cwd, dir) || '.';
  const run = `corral run . --workspace FOLDER --command ${name}.count`;
  const steps: Record<TemplateName, string[]> = {
    node: ['npm install', 'npm test', 'corral lint .', run],
    typescript: ['npm install', 'npm test', 'corral lint .', run],
    python: ['python3 -m unittest', 'corral lint .', run],
    shell: ['sh test/run.sh', 'corral lint .', run],
  };
  return [`cd ${where}`, ...steps[template]];
}
