// `corral lint PATH [--json] [--watch]`: lints an extension folder (manifest, main, rules file), a
// manifest, a policy file or a rules file. Exit 0 when clean or only warnings, 1 on any error, 2 on
// a usage error or an unreadable file (CI can tell them apart). --watch lints again on every change.
import { statSync } from 'node:fs';
import type { LintFinding } from '../policy/lint.ts';
import { command } from './command.ts';
import type { CliIO } from './io.ts';
import { lintPath, watchedFiles, type FileReport } from '../author/lint-folder.ts';
import { lintSpec } from './specs.ts';

export { lintText, type LintedKind } from '../author/lint-text.ts';

/** How often --watch looks at the files (a stat each: cheap). */
const POLL_MS = 250;

/** Runs `corral lint`; see the file comment for the exit codes. */
export const lintCommand = command(lintSpec, async ({ positionals, options }, io) => {
  const once = async () =>
    report(positionals.path, await lintPath(positionals.path, io.cwd), options.json, io);
  const status = await once();
  if (!options.watch) return status;
  return watchAndLint(positionals.path, io, once, status);
});

/** Prints the reports of one lint of `path`; returns its exit status. */
function report(path: string, reports: FileReport[], json: boolean, io: CliIO): number {
  const unreadable = reports.find((r) => r.error !== undefined);
  if (unreadable && reports.length === 1) {
    if (json) io.stdout(JSON.stringify({ file: path, ok: false, error: unreadable.error }) + '\n');
    else io.stderr(`corral lint: ${unreadable.error}\n`);
    return 2;
  }
  const folder = reports.length > 1 || reports[0]!.file !== path;
  const findings: (LintFinding & { file?: string })[] = reports.flatMap((r) =>
    folder ? r.findings.map((f) => ({ file: r.file, ...f })) : r.findings,
  );
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const summary = { errors: count('error'), warnings: count('warning'), infos: count('info') };
  const ok = summary.errors === 0 && !unreadable;
  if (json) {
    const kind = folder ? 'extension' : reports[0]!.kind;
    const errors = reports.filter((r) => r.error).map((r) => r.error);
    io.stdout(
      JSON.stringify({
        file: path,
        kind,
        ok,
        findings,
        summary,
        ...(errors.length ? { errors } : {}),
      }) + '\n',
    );
  } else {
    for (const r of reports) {
      if (r.error) io.stderr(`corral lint: ${r.error}\n`);
      const byLine = [...r.findings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      for (const f of byLine) io.stdout(formatFinding(r.file, f) + '\n');
    }
    const parts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning')];
    if (summary.infos) parts.push(plural(summary.infos, 'note'));
    io.stdout(findings.length ? `${path}: ${parts.join(', ')}\n` : `${path}: no problems found\n`);
  }
  return unreadable ? 2 : summary.errors > 0 ? 1 : 0;
}

/**
 * --watch: lints again whenever a file the lint read changes (corral.json, corral.rules and main
 * for a folder), until Ctrl-C; the status is the last lint's. The files are polled by stat, which
 * also sees an editor that replaces a file and a main that appears after a build.
 */
async function watchAndLint(
  path: string,
  io: CliIO,
  once: () => Promise<number>,
  first: number,
): Promise<number> {
  let status = first;
  let seen = await signature(path, io.cwd);
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const now = await signature(path, io.cwd);
      if (now !== seen) {
        seen = now;
        io.stdout(`--- ${new Date().toISOString().slice(11, 19)} ${path} changed\n`);
        status = await once();
      }
      busy = false;
    })();
  }, POLL_MS);
  io.stderr(`corral lint: watching ${path}; Ctrl-C stops\n`);
  await io.untilSignal();
  clearInterval(timer);
  return status;
}

/** Size, time and inode of every file a lint of `path` reads: a change in any is a change. */
async function signature(path: string, cwd: string): Promise<string> {
  const files = await watchedFiles(path, cwd);
  return files
    .map((f) => {
      try {
        const st = statSync(f);
        return `${f}:${st.ino}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${f}:absent`;
      }
    })
    .join('|');
}

/** One line: `file:line: /pointer: severity rule-id: message; fix: …`. */
export function formatFinding(file: string, f: LintFinding): string {
  const where = f.line !== undefined ? `${file}:${f.line}` : file;
  const pointer = f.pointer ? ` ${f.pointer}:` : '';
  return `${where}:${pointer} ${f.severity} ${f.rule}: ${f.message}; fix: ${f.fix}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
