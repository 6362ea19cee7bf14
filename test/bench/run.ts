// `npm run bench`: every benchmark, each printed as a table of medians with its target and ratio.
// Figures are printed, never asserted: a shared machine makes timed assertions flaky.
import { printTable, type BenchTable } from './table.ts';

const benches: Record<string, () => Promise<BenchTable>> = {
  sandbox: async () => (await import('./sandbox.bench.ts')).benchSandbox(),
  policy: async () => (await import('./policy.bench.ts')).benchPolicy(),
  runtime: async () => (await import('./runtime.bench.ts')).benchRuntime(),
  files: async () => (await import('./file-read.bench.ts')).benchFileRead(),
  proxy: async () => (await import('./proxy.bench.ts')).benchProxy(),
  audit: async () => (await import('./audit.bench.ts')).benchAudit(),
  ui: async () => (await import('./ui.bench.ts')).benchUi(),
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: running ${name}…\n`);
  printTable(await run());
}
