// Hard caps on what a package may contain. Extensions are small bundles of code: these bounds are
// far above any real one and far below what would hurt the machine. Every reader enforces them as
// bytes arrive; sizes written in archive headers are never trusted.

export interface PackageCaps {
  /** The archive file itself (what is read and hashed). */
  archiveBytes: number;
  /** All files' contents together, uncompressed. */
  totalBytes: number;
  /** One file's contents. */
  fileBytes: number;
  /** Files and folders. */
  entries: number;
  /**
   * Uncompressed / compressed bytes, checked once more than `ratioFloorBytes` came out: a
   * decompression bomb (42.zip, Fifield's overlapping zip) has ratios in the thousands, code
   * compresses 3 to 10 times.
   */
  ratio: number;
  ratioFloorBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_CAPS: PackageCaps = {
  archiveBytes: 64 * MiB,
  totalBytes: 256 * MiB,
  fileBytes: 64 * MiB,
  entries: 10_000,
  ratio: 100,
  ratioFloorBytes: 1 * MiB,
};

/** Bytes in words for messages: "64 MiB", "300 KiB", "12 bytes". */
export function sizeWords(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
