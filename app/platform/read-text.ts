// Reads a policy, manifest or rules file for a CLI command, with the failure as one sentence.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Manifests and rules files are small; a larger file is a mistake (or an attack on memory). */
const MAX_POLICY_FILE_BYTES = 1024 * 1024;

/** The file's text (UTF-8), or why it could not be read and what to do. */
export async function readPolicyText(
  file: string,
  cwd: string,
): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  let handle;
  try {
    handle = await open(resolve(cwd, file), 'r');
    const stat = await handle.stat();
    if (stat.isDirectory())
      return {
        ok: false,
        error: `${file} is a folder; fix: name the corral.json or rules file inside it`,
      };
    if (stat.size > MAX_POLICY_FILE_BYTES)
      return {
        ok: false,
        error: `${file} is larger than 1 MiB; fix: name a manifest or rules file`,
      };
    const text = await handle.readFile('utf8');
    return { ok: true, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error';
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable (permission denied)'
          : `cannot be read (${code})`;
    return { ok: false, error: `${file} ${why}; fix: check the path` };
  } finally {
    await handle?.close();
  }
}
