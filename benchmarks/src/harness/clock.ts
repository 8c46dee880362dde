/**
 * Reads the monotonic clock in nanoseconds.
 *
 * On Linux `process.hrtime.bigint()` is CLOCK_MONOTONIC, one clock for the whole machine, so readings
 * taken in two processes can be subtracted from each other.
 */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** Reads the monotonic clock as a number of nanoseconds (exact below 2^53 ns, about 104 days of uptime). */
export function nowNsNumber(): number {
  return Number(process.hrtime.bigint());
}

/** Nanoseconds elapsed since `start`, a reading of {@link nowNs}, as a number. */
export function elapsedNs(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}

/** Resolves after `ms` milliseconds (pacing only; never used to wait for a result). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
