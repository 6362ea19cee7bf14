// Writes SHA256SUMS beside the release packages (AppImage, deb, dmg) in the format `sha256sum -c`
// reads, so a user can verify a download (docs/install.md). Usage: release-checksums DIR.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The files a release publishes, by name. */
export const RELEASE_FILE = /\.(AppImage|deb|dmg)$/;

/** The lines of SHA256SUMS for the release files in `dir`, sorted by name. */
export function checksumLines(dir: string): string[] {
  const names = readdirSync(dir)
    .filter((name) => RELEASE_FILE.test(name) && statSync(join(dir, name)).isFile())
    .sort();
  if (names.length === 0) {
    throw new Error(
      `no release packages (.AppImage, .deb, .dmg) in ${dir}; run npm run package first`,
    );
  }
  return names.map((name) => {
    const digest = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
    return `${digest}  ${name}`;
  });
}

/** Writes DIR/SHA256SUMS and returns its path. */
export function writeChecksums(dir: string): string {
  const file = join(dir, 'SHA256SUMS');
  writeFileSync(file, `${checksumLines(dir).join('\n')}\n`);
  return file;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write(
      'release-checksums: give the folder of the packages, e.g. dist/packages\n',
    );
    process.exit(2);
  }
  try {
    process.stdout.write(`${writeChecksums(dir)}\n`);
  } catch (error) {
    process.stderr.write(`release-checksums: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
