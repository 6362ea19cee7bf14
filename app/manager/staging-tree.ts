// Writes a package's files into its staging folder, whatever they come from (a tar stream, a zip,
// a folder): every name confined by entry-name.ts, only regular files and folders created, every
// cap counted as bytes arrive. Files are created with O_EXCL | O_NOFOLLOW under folders this code
// made itself, so nothing can be written outside the staging folder.
import { closeSync, constants, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EntrySet, normalizeEntryName } from '../package/entry-name.ts';
import { sizeWords, type PackageCaps } from '../package/package-caps.ts';

/** A package refused: one line saying what is wrong with it and, where it helps, the fix. */
export class PackageError extends Error {
  override name = 'PackageError';
}

export interface FileSink {
  write(chunk: Uint8Array): void;
  /** Closes the file, checking it got exactly `expected` bytes when the source announced a size. */
  close(expected?: number): void;
}

export class StagingTree {
  private readonly names = new EntrySet();
  private totalBytes = 0;
  private entryCount = 0;

  /** `root` is an empty folder; `source` names the package in messages. */
  constructor(
    readonly root: string,
    private readonly caps: PackageCaps,
    private readonly source: string,
  ) {}

  /** Bytes of file contents written so far. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** The PackageError for `message`, naming the package. */
  failure(message: string): PackageError {
    return new PackageError(`${this.source}: ${message}`);
  }

  fail(message: string): never {
    throw this.failure(message);
  }

  /** Creates folder `raw` (and its parents). */
  addDir(raw: string): void {
    const path = this.check(raw, 'dir');
    if (path !== '') mkdirSync(join(this.root, path), { recursive: true, mode: 0o755 });
  }

  /** Creates file `raw` (and its parents), returning where its contents go. */
  addFile(raw: string, executable: boolean): FileSink {
    const path = this.check(raw, 'file');
    if (path === '') this.fail(`entry "${raw}" names the package root as a file`);
    const slash = path.lastIndexOf('/');
    if (slash !== -1)
      mkdirSync(join(this.root, path.slice(0, slash)), { recursive: true, mode: 0o755 });
    const fd = openSync(
      join(this.root, path),
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      executable ? 0o755 : 0o644,
    );
    let written = 0;
    let open = true;
    return {
      write: (chunk) => {
        written += chunk.length;
        this.totalBytes += chunk.length;
        if (written > this.caps.fileBytes)
          this.fail(
            `"${path}" is larger than ${sizeWords(this.caps.fileBytes)} (the cap per file)`,
          );
        if (this.totalBytes > this.caps.totalBytes)
          this.fail(
            `holds more than ${sizeWords(this.caps.totalBytes)} of files (the cap per package)`,
          );
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      },
      close: (expected) => {
        if (!open) return;
        open = false;
        try {
          if (expected !== undefined && written !== expected)
            this.fail(`"${path}" holds ${written} bytes where its header says ${expected}`);
          fsyncSync(fd); // on disk before the folder is renamed into place
        } finally {
          closeSync(fd);
        }
      },
    };
  }

  private check(raw: string, kind: 'file' | 'dir'): string {
    const name = normalizeEntryName(raw);
    if (!name.ok) this.fail(`entry "${printable(raw)}" ${name.reason}`);
    if (name.path === '') return '';
    if (++this.entryCount > this.caps.entries)
      this.fail(`has more than ${this.caps.entries} entries (the cap per package)`);
    const clash = this.names.add(name.path, kind);
    if (clash) this.fail(clash);
    return name.path;
  }
}

/** A name safe to print on one line: control characters shown as \xNN. */
export function printable(raw: string): string {
  const shown = raw.replace(
    // eslint-disable-next-line no-control-regex
    /[\x00-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return shown.length > 120 ? shown.slice(0, 117) + '...' : shown;
}
