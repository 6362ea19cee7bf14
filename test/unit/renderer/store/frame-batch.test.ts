// Live audit batches are applied once per animation frame: everything pushed before a frame
// arrives together and in order, and a tab without frames (in the background) still gets them.
import { afterEach, expect, test, vi } from 'vitest';
import { frameBatch } from '../../../../renderer/src/store/frame-batch.ts';

/** Animation frames that run only when the test says so. */
function manualFrames() {
  const waiting = new Map<number, FrameRequestCallback>();
  let next = 1;
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => {
    waiting.set(next, cb);
    return next++;
  });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => waiting.delete(id));
  return {
    pending: () => waiting.size,
    run() {
      const callbacks = [...waiting.values()];
      waiting.clear();
      for (const cb of callbacks) cb(performance.now());
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

test('batches pushed before a frame are applied together at the frame, in order', () => {
  const frames = manualFrames();
  const applied: number[][] = [];
  const batch = frameBatch<number>((items) => applied.push(items));
  batch.push([1, 2]);
  batch.push([3]);
  batch.push([4, 5]);
  expect(applied).toEqual([]);
  expect(frames.pending()).toBe(1);
  frames.run();
  expect(applied).toEqual([[1, 2, 3, 4, 5]]);
  batch.push([6]);
  frames.run();
  expect(applied).toEqual([[1, 2, 3, 4, 5], [6]]);
  frames.run();
  expect(applied).toHaveLength(2);
});

test('without animation frames (a background tab) the timer applies them', () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const frames = manualFrames();
  const applied: number[][] = [];
  const batch = frameBatch<number>((items) => applied.push(items));
  batch.push([1]);
  vi.advanceTimersByTime(100);
  expect(applied).toEqual([]);
  batch.push([2]);
  vi.advanceTimersByTime(200);
  expect(applied).toEqual([[1, 2]]);
  // The frame that never came is cancelled: a late one applies nothing twice.
  expect(frames.pending()).toBe(0);
});

test('cancel drops what waits; nothing is applied after it', () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const frames = manualFrames();
  const applied: number[][] = [];
  const batch = frameBatch<number>((items) => applied.push(items));
  batch.push([1]);
  batch.cancel();
  frames.run();
  vi.advanceTimersByTime(1000);
  expect(applied).toEqual([]);
  // The same batch still works when pushed again (positive control).
  batch.push([2]);
  frames.run();
  expect(applied).toEqual([[2]]);
});
