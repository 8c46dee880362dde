/** A timer handle of a {@link Scheduler}. */
export type TimerHandle = unknown;

/**
 * The clock and timers the synchronization engine runs on: heartbeats, echo deadlines, publish backoff
 * and reconnection. Inject one in tests so that they run on fake time, as `MemoryBackend` takes a clock.
 */
export interface Scheduler {
  /** Milliseconds from an arbitrary origin; only differences are used. */
  now(): number;
  /** Calls `callback` once after `delayMs`. A real scheduler's timers do not keep the process alive. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's timers, unref'd (an idle engine never keeps a process alive), and `performance.now()`. */
export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
