/** Whether the process was started with `--expose-gc`, which the memory scenario needs. */
export function canCollectGarbage(): boolean {
  return typeof globalThis.gc === 'function';
}

/** Runs full garbage collections until the heap stops shrinking and returns the bytes still used. */
export async function settledHeapUsed(): Promise<number> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('settledHeapUsed needs node --expose-gc');
  let previous = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 10; pass++) {
    // Let pending timers and promise callbacks release what they hold before collecting.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 1_024) return used;
    previous = used;
  }
  return previous;
}
