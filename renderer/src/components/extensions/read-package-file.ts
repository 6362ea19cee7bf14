// A package the user picked in the browser, read for `extensions.stage` as base64, with the
// checks the host would make first said in the user's words before any byte is sent.
import { UPLOAD_MAX_BYTES, packageSourceSchema } from '../../../../app/contract/index.ts';
import { formatBytes } from '../common/format.ts';

export type PackageUpload = { kind: 'upload'; name: string; base64: string };

/** Bytes as base64, a chunk at a time (a spread of millions of arguments would overflow). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The file as an upload source, or the sentence saying why it cannot be one. */
export async function readPackageFile(file: File): Promise<PackageUpload | { error: string }> {
  const name = packageSourceSchema.options[1].shape.name.safeParse(file.name);
  if (!name.success)
    return { error: `${file.name} is not a package: choose a .tgz, .tar.gz, .tar or .zip file.` };
  if (file.size > UPLOAD_MAX_BYTES)
    return {
      error: `${file.name} is ${formatBytes(file.size)}; Corral installs packages up to ${formatBytes(UPLOAD_MAX_BYTES)}.`,
    };
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { kind: 'upload', name: file.name, base64: toBase64(bytes) };
}
