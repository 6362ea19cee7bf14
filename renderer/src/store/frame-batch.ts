// Items that arrive in bursts, handed on together once per animation frame: however many audit
// batches the host pushes, the store changes, and the window redraws, at most once a frame.

/**
 * A tab in the background gets no animation frames; collected items are then handed on by this
 * timer instead (browsers run it about once a second there), so they never pile up unbounded.
 */
const NO_FRAME_MS = 250;

export interface FrameBatch<T> {
  /** Adds items; `apply` receives them, in the order added, at the next frame. */
  push(items: readonly T[]): void;
  /** Drops what waits and stops (the store is disconnecting). */
  cancel(): void;
}

/** Collects items and calls `apply` with all of them once per animation frame. */
export function frameBatch<T>(apply: (items: T[]) => void): FrameBatch<T> {
  let waiting: T[] = [];
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = null;
    timer = null;
  };
  const flush = () => {
    stop();
    const items = waiting;
    waiting = [];
    if (items.length > 0) apply(items);
  };
  return {
    push(items) {
      for (const item of items) waiting.push(item);
      if (timer !== null) return;
      if (typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(flush);
      timer = setTimeout(flush, NO_FRAME_MS);
    },
    cancel() {
      stop();
      waiting = [];
    },
  };
}
