// The Node SDK as an outside author gets it: the built package (package.json, README, dist/), found
// beside the CLI bundle (dist/sdk-node) or in a checkout (sdk/node), and packed by Corral itself
// into the reproducible npm tarball that `corral new` puts in a new extension's vendor/ folder.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { writeTar, type TarFile } from '../package/tar-writer.ts';
import { gzip } from './pack.ts';

/** The SDK cannot be found or is not built: one line with the fix. */
export class SdkPackageError extends Error {}

const sdkManifestSchema = z.looseObject({ name: z.literal('@corral/sdk'), version: z.string() });

/** The built SDK's folder, or null. */
export function sdkPackageDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'sdk-node'), // dist/corral.cjs and dist/sdk-node side by side
    join(here, '..', '..', 'dist', 'sdk-node'), // running from source (app/author/)
    join(here, '..', '..', 'sdk', 'node'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'dist', 'index.js'))) ?? null;
}

/** `corral-sdk-VERSION.tgz` and its bytes: package.json, README.md and dist/ under "package/". */
export function sdkTarball(dir = sdkPackageDir()): { name: string; bytes: Buffer } {
  if (dir === null)
    throw new SdkPackageError(
      'the Node SDK is not built; fix: run "npm run build" in the Corral folder',
    );
  const manifest = sdkManifestSchema.parse(
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
  );
  const files: TarFile[] = ['package.json', 'README.md']
    .filter((f) => existsSync(join(dir, f)))
    .map((f) => ({ path: `package/${f}`, data: readFileSync(join(dir, f)), executable: false }));
  for (const name of readdirSync(join(dir, 'dist')).sort())
    files.push({
      path: `package/dist/${name}`,
      data: readFileSync(join(dir, 'dist', name)),
      executable: false,
    });
  return { name: `corral-sdk-${manifest.version}.tgz`, bytes: gzip(writeTar(files)) };
}
