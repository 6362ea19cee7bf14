// Corral's icon, drawn in code (a fence in a round badge) so the tray can add a red dot while
// questions wait, and encoded as PNG: the same picture serves the tray and the packages' icon.
import { deflateSync } from 'node:zlib';

const INK: Rgba = [46, 74, 98, 255];
const PAPER: Rgba = [250, 246, 236, 255];
const ALERT: Rgba = [217, 48, 37, 255];
type Rgba = [number, number, number, number];

/** RGBA pixels of the icon at `size`×`size`, with the red dot of waiting questions when `badge`. */
export function drawIcon(size: number, badge: boolean): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const unit = size / 32;
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      let color: Rgba | null = null;
      if (Math.hypot(cx - c, cy - c) <= 15 * unit) {
        color = INK;
        // The fence: three posts and two rails, in the paper colour.
        const u = cx / unit;
        const v = cy / unit;
        const post = [9, 16, 23].some((p) => Math.abs(u - p) <= 1.5) && v >= 8 && v <= 25;
        const rail = (Math.abs(v - 13) <= 1.2 || Math.abs(v - 20) <= 1.2) && u >= 6 && u <= 26;
        if (post || rail) color = PAPER;
      }
      if (badge) {
        const d = Math.hypot(cx - 25 * unit, cy - 7 * unit);
        if (d <= 7 * unit) color = d <= 5.5 * unit ? ALERT : PAPER;
      }
      if (color) px.set(color, (y * size + x) * 4);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG file (8-bit RGBA, no filter) of `width`×`height` RGBA pixels (PNG spec, ISO 15948). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter, no interlace
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The icon as a PNG file. */
export function iconPng(size: number, badge: boolean): Buffer {
  return encodePng(size, size, drawIcon(size, badge));
}
