// Reads a key file (PEM) for `corral trust add`, `corral sign` and `corral pack`, with the reason
// when it cannot.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The most bytes a key file may hold: an ed25519 PEM is under 200. */
const KEY_FILE_MAX = 16 * 1024;

/** A small key file (PEM) as text, or the one-line reason it cannot be read. */
export function readKeyFile(
  file: string,
  cwd: string,
): { ok: true; pem: string } | { ok: false; why: string } {
  try {
    const text = readFileSync(resolve(cwd, file), 'utf8');
    if (text.length > KEY_FILE_MAX)
      return { ok: false, why: `it is ${text.length} bytes, more than a key file holds` };
    return { ok: true, pem: text };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      why:
        code === 'ENOENT'
          ? 'it does not exist'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a folder'
              : (code ?? (e as Error).message),
    };
  }
}
