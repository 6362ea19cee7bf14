// Reading a file from inside the sandbox, three ways side by side: a direct read (the extension's
// own grant), the SDK's read over protocol version 1 (fs/read: the bytes as JSON), and over
// version 2 (fs/open: a read-only descriptor the host decided and opened), at several sizes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProtocolVersion } from '../../app/protocol/methods.ts';
import { host, setUp, type Setup } from './runtime.bench.ts';
import type { BenchRow, BenchTable } from './table.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Sizes read, and rounds of each (fewer for the large file, so the run stays short). */
const SIZES: { label: string; bytes: number; rounds: number }[] = [
  { label: '1 KiB', bytes: KiB, rounds: 200 },
  { label: '64 KiB', bytes: 64 * KiB, rounds: 100 },
  { label: '1 MiB', bytes: MiB, rounds: 30 },
  { label: '64 MiB', bytes: 64 * MiB, rounds: 7 },
];

type ReadFigures = { directMs: number; brokeredMs: number } | { refused: string };

async function readWith(s: Setup, version: ProtocolVersion, files: string[], rounds: number[]) {
  const h = host(s, version, version);
  await h.start();
  try {
    const out: ReadFigures[] = [];
    for (const [i, file] of files.entries())
      out.push((await h.execute('bench.read', [file, rounds[i]!])) as ReadFigures);
    return out;
  } finally {
    await h.stop();
  }
}

export async function benchFileRead(): Promise<BenchTable> {
  const s = await setUp();
  const files = SIZES.map(({ label, bytes }) => {
    const file = join(s.workspace, `${label.replace(' ', '')}.txt`);
    writeFileSync(file, 'corral '.repeat(Math.ceil(bytes / 7)).slice(0, bytes));
    return file;
  });
  const rounds = SIZES.map((x) => x.rounds);
  const v1 = await readWith(s, 1, files, rounds);
  const v2 = await readWith(s, 2, files, rounds);
  s.audit.close();
  const rows: BenchRow[] = [];
  for (const [i, size] of SIZES.entries()) {
    const a = v1[i]!;
    const b = v2[i]!;
    const direct = 'directMs' in b ? b.directMs : 'directMs' in a ? a.directMs : NaN;
    rows.push({ name: `${size.label}: direct read in the sandbox`, median: direct, unit: 'ms' });
    for (const [how, r] of [
      ['fs/read (protocol 1, JSON)', a],
      ['fs/open (protocol 2, descriptor)', b],
    ] as const) {
      rows.push(
        'refused' in r
          ? { name: `${size.label}: ${how}`, median: 'refused', unit: '', ratio: r.refused }
          : {
              name: `${size.label}: ${how}`,
              median: r.brokeredMs,
              unit: 'ms',
              target: size.bytes >= MiB ? '>= 0.8x direct speed' : '',
              ratio: `${(r.directMs / r.brokeredMs).toFixed(2)}x direct speed`,
            },
      );
    }
  }
  return { title: 'Reading a file in the sandbox (SDK fs.read; medians)', rows };
}
