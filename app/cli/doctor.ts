// `corral doctor`: which isolation layers this machine offers, which the sandbox will use, and
// how to enable what is missing (contracts section 3).
import { spawnSync } from 'node:child_process';
import type { CliIO } from './io.ts';
import { findHelper } from '../sandbox/helper-path.ts';
import {
  assessCapabilities,
  checkReportSchema,
  type CapabilityVerdict,
} from '../sandbox/capabilities.ts';

export async function doctorCommand(argv: string[], io: CliIO): Promise<number> {
  const json = argv.includes('--json');
  const unknown = argv.find((a) => a !== '--json');
  if (unknown !== undefined) {
    io.stderr(`corral doctor: unknown argument "${unknown}"; usage: corral doctor [--json]\n`);
    return 2;
  }
  const helper = findHelper();
  if (!helper) {
    io.stderr(
      'corral doctor: the sandbox helper is not built; fix: run "npm install" in the Corral folder\n',
    );
    return 125;
  }
  const run = spawnSync(helper, ['--check'], { encoding: 'utf8', timeout: 10_000 });
  let report;
  try {
    report = checkReportSchema.parse(JSON.parse(run.stdout));
  } catch {
    io.stderr(
      `corral doctor: ${helper} --check gave no usable report (${(run.stderr || run.error?.message || 'no output').trim().split('\n')[0]}); fix: rebuild with "npm install"\n`,
    );
    return 125;
  }
  const verdict = assessCapabilities(report);
  if (json) {
    io.stdout(
      JSON.stringify({ ...report, mode: verdict.mode, summary: verdict.summary }, null, 2) + '\n',
    );
  } else {
    io.stdout(render(report.kernel, report.arch, verdict));
  }
  return verdict.mode === 'refused' ? 1 : 0;
}

function render(kernel: string, arch: string, v: CapabilityVerdict): string {
  const width = Math.max(...v.layers.map((l) => l.layer.length));
  const lines = [`Linux ${kernel} (${arch}), as uid ${process.getuid?.() ?? '?'}`, ''];
  for (const l of v.layers) {
    const mark = l.ok ? 'ok     ' : 'MISSING';
    lines.push(`  ${mark}  ${l.layer.padEnd(width)}  ${l.role}${l.detail ? ` (${l.detail})` : ''}`);
  }
  lines.push('', `sandbox mode: ${v.mode}`, v.summary, '');
  return lines.join('\n');
}
