import type { Scheduler, TimerHandle } from '../sync/scheduler';

interface ManualTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A {@link Scheduler} on fake time, for tests of the synchronization engine: nothing happens until the test
 * advances the clock, and then timers fire in order, each followed by the microtasks it queued.
 *
 * @example
 * ```ts
 * const scheduler = new ManualScheduler();
 * const service = CachingService.create({ synchronization: { transport, scheduler } });
 * await scheduler.advance(5_000); // one heartbeat interval
 * ```
 */
export class ManualScheduler implements Scheduler {
  private time = 0;
  private order = 0;
  private readonly timers = new Set<ManualTimer>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: ManualTimer = { at: this.time + Math.max(0, delayMs), order: this.order++, callback };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as ManualTimer);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Moves the clock forward by `ms`, firing every timer that falls due, in order; after each, lets the
   * promise callbacks it started run (a few turns of the microtask queue and one of the event loop).
   */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const next = this.nextDue(until);
      if (next === undefined) break;
      this.timers.delete(next);
      this.time = next.at;
      next.callback();
      await settle();
    }
    this.time = until;
    await settle();
  }

  private nextDue(until: number): ManualTimer | undefined {
    let next: ManualTimer | undefined;
    for (const timer of this.timers) {
      if (timer.at <= until && (next === undefined || timer.at < next.at || (timer.at === next.at && timer.order < next.order))) next = timer;
    }
    return next;
  }
}

/** Lets pending promise callbacks run, including those that real I/O-free transports queue. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
