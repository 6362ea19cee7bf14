// `npm run soak [SECONDS]`: the soak (test/soak/soak.ts), ten minutes unless told, loopback only;
// prints its tables and exits 1 when a check fails.
import { formatSoak, runSoak } from './soak.ts';

const seconds = Number(process.argv[2] ?? 600);
if (!Number.isFinite(seconds) || seconds < 10) {
  process.stderr.write('soak: give the duration in seconds, at least 10 (default 600)\n');
  process.exit(2);
}
const report = await runSoak({
  durationMs: seconds * 1000,
  progress: (line) => void process.stderr.write(line + '\n'),
});
process.stdout.write(formatSoak(report, 20));
process.exitCode = Object.values(report.checks).every(Boolean) ? 0 : 1;
