/** A deterministic pseudo-random source (mulberry32), so randomized tests replay exactly. */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
  /** One of `items`. */
  pick<T>(items: readonly T[]): T;
}

/** Creates a {@link SeededRandom} from `seed`. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (bound: number): number => Math.floor(next() * bound);
  return { next, int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}
