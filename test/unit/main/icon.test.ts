// The drawn icon is a valid PNG of the right size whose pixels are the drawing, and the red dot
// appears only while questions wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { drawIcon, iconPng } from '../../../main/icon.ts';

function decode(png: Buffer): { width: number; height: number; rgba: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.deepEqual([...body.subarray(8)], [8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(data));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    assert.equal(rows[y * (width * 4 + 1)], 0, 'filter type none');
    rows.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

test('the PNG decodes to the drawing', () => {
  const { width, height, rgba } = decode(iconPng(32, true));
  assert.equal(width, 32);
  assert.equal(height, 32);
  assert.deepEqual(new Uint8Array(rgba), drawIcon(32, true));
});

test('the red dot only with waiting questions', () => {
  const at = (px: Uint8Array, x: number, y: number) => [
    ...px.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4),
  ];
  assert.deepEqual(at(drawIcon(32, true), 25, 7), [217, 48, 37, 255]);
  assert.notDeepEqual(at(drawIcon(32, false), 25, 7), [217, 48, 37, 255]);
  assert.deepEqual(at(drawIcon(32, false), 0, 0), [0, 0, 0, 0], 'the corners are transparent');
});
