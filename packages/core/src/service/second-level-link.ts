import type { SecondLevelCache, SecondLevelListener } from '../backends/second-level-cache';
import { Coalescer } from '../sync/coalescer';
import type { Invalidation } from '../sync/envelope';
import type { Scheduler, TimerHandle } from '../sync/scheduler';

/** First delay before replaying invalidations the store refused; it doubles up to {@link MAX_RETRY_DELAY_MS}. */
const INITIAL_RETRY_DELAY_MS = 50;
const MAX_RETRY_DELAY_MS = 5_000;

/** What the link tells its service. */
export interface SecondLevelLinkHooks {
  /** The store serves again after an outage: the first level must be cleared before it is used with it. */
  recovered(): void;
  /** The link went down after having been up. */
  down(reason: Error): void;
  /** The link is up again after {@link SecondLevelLinkHooks.down}, `downForMs` later. */
  up(downForMs: number): void;
  /** An operation failed; the service reports it. */
  error(error: unknown, operation: string): void;
}

/**
 * The state of a service's link to its second level: whether the store may be used, the invalidations that
 * could not reach it (replayed, in one call, before it is used again), and the highest version seen.
 * The store's own `down`/`up` reports and failed invalidations both take it down; it comes back up once
 * the store reports `up` (or, after a failure it did not report, a retry succeeds), the replay went
 * through, and the first level was cleared: the gap policy.
 */
export class SecondLevelLink {
  /** The highest version the store reported: a lower bound of its version now, and of any later one. */
  highestVersion = 0;
  private state: 'closed' | 'up' | 'recovering' = 'closed';
  /** Whether the store last reported its link up (a failure it did not report leaves it `true`). */
  private storeUp = true;
  /** Invalidations waiting to be replayed, deduplicated, one clear past `maxPendingInvalidations`. */
  private readonly pending: Coalescer;
  private retry: { timer: TimerHandle | undefined; delayMs: number } = { timer: undefined, delayMs: INITIAL_RETRY_DELAY_MS };
  private replaying = false;
  /** When the link last went down from up (scheduler time); `undefined` while up, and before the first up. */
  private downSince: number | undefined = undefined;

  readonly listener: SecondLevelListener = {
    down: (reason) => {
      this.storeUp = false;
      this.wentDown(reason);
      this.cancelRetry();
    },
    up: () => {
      this.storeUp = true;
      if (this.state === 'recovering') void this.recover();
    },
  };

  constructor(
    readonly store: SecondLevelCache,
    private readonly options: { readonly maxPendingInvalidations: number; readonly scheduler: Scheduler },
    private readonly hooks: SecondLevelLinkHooks,
  ) {
    // Replayed in one call, whatever its size: no message limit, so no overhead to count.
    this.pending = new Coalescer(0, options.maxPendingInvalidations);
  }

  /** Whether reads and writes may go to the store now. */
  get usable(): boolean {
    return this.state === 'up';
  }

  /** Distinct keys and tags waiting to be replayed (a pending clear counts one). */
  get pendingInvalidations(): number {
    return this.pending.pendingItems;
  }

  /** Opens the store for `namespace`; until then operations skip the store (they wait for nothing). */
  async open(namespace: string): Promise<void> {
    await this.store.open({ namespace, listener: this.listener });
    if (this.state !== 'closed') return;
    // Invalidations made before (a lazy start) are replayed first, like after an outage.
    this.state = 'recovering';
    await this.recover();
  }

  /** Notes a version the store reported. */
  saw(version: number): void {
    if (version > this.highestVersion) this.highestVersion = version;
  }

  /**
   * Applies an invalidation made here to the store; never rejects. While the store is unusable, or when the
   * call fails, the invalidation waits to be replayed, and the store is not used until it was.
   */
  async invalidate(invalidation: Invalidation): Promise<void> {
    if (this.state !== 'up') {
      this.defer(invalidation);
      return;
    }
    try {
      this.saw(invalidation.all ? await this.store.clear() : await this.store.invalidate(invalidation.keys, invalidation.dependencies));
    } catch (error) {
      this.hooks.error(error, invalidation.all ? 'l2 clear' : 'l2 invalidate');
      this.defer(invalidation);
      if (this.wentDown(error instanceof Error ? error : new Error(String(error)))) this.scheduleRetry();
    }
  }

  /** Stops retrying and closes the store. */
  async close(): Promise<void> {
    this.state = 'closed';
    this.cancelRetry();
    await this.store.close();
  }

  /** Takes an up link down (the store is used again only once recovered); whether it was up. */
  private wentDown(reason: Error): boolean {
    if (this.state !== 'up') return false;
    this.state = 'recovering';
    this.downSince = this.options.scheduler.now();
    this.hooks.down(reason);
    return true;
  }

  private defer(invalidation: Invalidation): void {
    this.pending.add(invalidation, this.options.scheduler.now());
  }

  /** Replays what is pending, then clears the first level and serves again; retries with backoff on failure. */
  private async recover(): Promise<void> {
    if (this.replaying) return;
    this.replaying = true;
    try {
      while (this.state === 'recovering' && this.storeUp && !this.pending.isEmpty) {
        const batch = this.pending.take(Number.POSITIVE_INFINITY).invalidation;
        try {
          this.saw(batch.all ? await this.store.clear() : await this.store.invalidate(batch.keys, batch.dependencies));
        } catch (error) {
          this.hooks.error(error, 'l2 replay');
          this.defer(batch);
          this.scheduleRetry();
          return;
        }
      }
      if (this.state !== 'recovering' || !this.storeUp || !this.pending.isEmpty) return;
      this.retry.delayMs = INITIAL_RETRY_DELAY_MS;
      this.hooks.recovered();
      this.state = 'up';
      if (this.downSince !== undefined) {
        this.hooks.up(this.options.scheduler.now() - this.downSince);
        this.downSince = undefined;
      }
    } finally {
      this.replaying = false;
    }
  }

  private scheduleRetry(): void {
    if (this.retry.timer !== undefined || !this.storeUp) return;
    const delay = this.retry.delayMs;
    this.retry.delayMs = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    this.retry.timer = this.options.scheduler.setTimeout(() => {
      this.retry.timer = undefined;
      void this.recover();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retry.timer === undefined) return;
    this.options.scheduler.clearTimeout(this.retry.timer);
    this.retry.timer = undefined;
  }
}
