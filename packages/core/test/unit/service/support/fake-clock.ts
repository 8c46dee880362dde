/** A clock for `new MemoryBackend({ clock })` that only moves when the test advances it. */
export interface FakeClock {
  (): number;
  advance(ms: number): void;
}

/**
 * Creates a {@link FakeClock}. It starts at `start` rather than 0: a clock reading of 0 is a plausible
 * choice in a test, and one test below checks that it works too.
 */
export function fakeClock(start = 1_000): FakeClock {
  let now = start;
  const clock = (() => now) as FakeClock;
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}
