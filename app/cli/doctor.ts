// `corral doctor`: which isolation layers this machine offers, the sandbox mode it allows, what
// that mode gives up, and how to enable what is missing (contracts section 3, docs/platforms.md).
import { command } from './command.ts';
import { doctorSpec } from './specs.ts';
import { ConfineError } from '../sandbox/confine.ts';
import type { CapabilityVerdict, CheckReport } from '../sandbox/capabilities.ts';
import { CapabilityCheckError } from '../sandbox/detect-capabilities.ts';

export const doctorCommand = command(doctorSpec, ({ options }, io, services) => {
  const json = options.json;
  let detected;
  try {
    detected = services.sandbox().detect({ fresh: true }); // what the machine offers now
  } catch (e) {
    if (!(e instanceof CapabilityCheckError || e instanceof ConfineError)) throw e;
    io.stderr(`corral doctor: ${e.message}\n`);
    return 125;
  }
  const { report, verdict, cgroupLimits } = detected;
  if (json) {
    const { mode, summary, degradations, remedies, memoryLayer } = verdict;
    const out = { ...report, cgroupLimits, mode, summary, degradations, remedies, memoryLayer };
    io.stdout(JSON.stringify(out, null, 2) + '\n');
  } else {
    io.stdout(render(report, verdict));
  }
  return verdict.mode === 'refused' ? 1 : 0;
});

function render(report: CheckReport, v: CapabilityVerdict): string {
  const abi = report.layers.landlock.ok
    ? `Landlock ABI ${report.layers.landlock.abi}`
    : 'no Landlock';
  const width = Math.max(...v.layers.map((l) => l.layer.length));
  const lines = [
    `Linux ${report.kernel} (${report.arch}), ${abi}, as uid ${process.getuid?.() ?? '?'}`,
    '',
  ];
  for (const l of v.layers) {
    const mark = l.ok ? 'ok     ' : 'MISSING';
    const needed = l.ok ? '' : ` [needed by ${l.neededBy} mode]`;
    lines.push(
      `  ${mark}  ${l.layer.padEnd(width)}  ${l.role}${l.detail ? ` (${l.detail})` : ''}${needed}`,
    );
  }
  lines.push('', `sandbox mode: ${v.mode}`, v.summary, '', `memory: ${v.memoryLayer}`);
  if (v.degradations.length > 0) {
    lines.push('', 'What reduced mode gives up:', ...v.degradations.map((d) => `  - ${d}`));
  }
  if (v.remedies.length > 0) {
    lines.push(
      '',
      v.mode === 'reduced' ? 'For full mode, enable:' : 'To run anything, enable:',
      ...v.remedies.map((r) => `  - ${r}`),
    );
  }
  lines.push('');
  return lines.join('\n');
}
