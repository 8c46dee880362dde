import type { CacheBackend, EntryProbe } from '../backends/cache-backend';
import type { Scheduler, TimerHandle } from '../sync/scheduler';
import { CachingContext } from './caching-context';
import type { EventHub } from './events';
import { isPromiseLike, type LocalCache } from './local-cache';
import type { BackgroundOrigin, ResilienceStats } from './resilience-events';
import type { ResilientCall } from './resilient-call';

/** A backend that can {@link CacheBackend.peek}: resilience options are rejected on any other. */
export type PeekingBackend = CacheBackend & { peek: NonNullable<CacheBackend['peek']> };

/**
 * Loads that no caller waits for (eager refresh, auto-reload, and loads whose callers timed out): they run
 * through the local cache's single flight and coherence fence like any other, outside the caller's
 * dependency scope, and their failures become `background-error` events. Also keeps the throttle after
 * failures and the auto-reload timers, both bounded by the backend's capacity.
 */
export class BackgroundLoads {
  /** Keys whose loader is not retried before the time given, after a failure. */
  private readonly throttledUntil = new Map<string, number>();
  private readonly reloadTimers = new Map<string, TimerHandle>();
  private readonly limit: number;

  constructor(
    private readonly local: LocalCache,
    private readonly backend: PeekingBackend,
    private readonly scheduler: Scheduler,
    private readonly events: EventHub,
    private readonly counters: ResilienceStats,
  ) {
    this.limit = backend.capacity ?? 10_000;
  }

  /**
   * Reloads `call.key` in the background, unless a load of it runs already (single flight), the key is
   * throttled after a failure, or the service takes no more results.
   */
  start(origin: 'eager-refresh' | 'auto-reload', call: ResilientCall): void {
    if (!this.local.accepting || this.local.isLoading(call.key) || this.isThrottled(call.key)) return;
    if (origin === 'eager-refresh') this.counters.eagerRefreshes++;
    else this.counters.autoReloads++;
    if (this.events.hears(origin)) this.events.emit(origin, call.about);
    let result: unknown;
    try {
      // Detached from the caller: a reload adds nothing to the dependencies of the cached method that hit.
      result = CachingContext.suspend(() => this.local.run(call.key, call.settings, call.method, call.execute, call.args));
    } catch (error) {
      this.failed(origin, call, error);
      return;
    }
    if (!isPromiseLike(result)) this.loaded(call);
    else result.then(() => this.loaded(call), (error: unknown) => this.failed(origin, call, error));
  }

  /** A load no caller waits for failed: an event, and the loader rests for the throttle period. */
  failed(origin: BackgroundOrigin, call: ResilientCall, error: unknown): void {
    this.counters.backgroundErrors++;
    this.throttle(call);
    if (this.events.hears('background-error')) this.events.emit('background-error', { ...call.about, error, startedBy: origin });
  }

  /** Whether `key`'s loader is resting after a failure. */
  isThrottled(key: string): boolean {
    if (this.throttledUntil.size === 0) return false;
    const until = this.throttledUntil.get(key);
    if (until === undefined) return false;
    if (this.scheduler.now() < until) return true;
    this.throttledUntil.delete(key);
    return false;
  }

  /** Rests `call.key`'s loader for the call's throttle period. */
  throttle(call: ResilientCall): void {
    const throttle = call.resilience.throttle;
    if (throttle === 0) return;
    this.throttledUntil.delete(call.key);
    // Oldest first: past the bound, the key throttled longest ago goes.
    if (this.throttledUntil.size >= this.limit) this.throttledUntil.delete(this.throttledUntil.keys().next().value as string);
    this.throttledUntil.set(call.key, this.scheduler.now() + throttle);
  }

  /** A load of `call.key` completed: with auto-reload, the entry it stored is reloaded when it expires. */
  loaded(call: ResilientCall): void {
    if (call.resilience.autoReload) this.scheduleReload(call, this.peek(call));
  }

  /** Stops every auto-reload timer. */
  dispose(): void {
    for (const timer of this.reloadTimers.values()) this.scheduler.clearTimeout(timer);
    this.reloadTimers.clear();
  }

  private peek(call: ResilientCall): EntryProbe | undefined {
    return this.backend.peek(call.key, false, call.resilience.maxStale);
  }

  /** One timer per key, due when its entry expires; an entry that is gone (invalidated, pushed out) has none. */
  private scheduleReload(call: ResilientCall, entry: EntryProbe | undefined): void {
    const previous = this.reloadTimers.get(call.key);
    if (previous !== undefined) this.scheduler.clearTimeout(previous);
    this.reloadTimers.delete(call.key);
    if (entry === undefined) return;
    if (this.reloadTimers.size >= this.limit) this.dropTimersOfGoneEntries();
    this.reloadTimers.set(call.key, this.scheduler.setTimeout(() => this.reloadDue(call), Math.max(0, entry.remaining)));
  }

  private reloadDue(call: ResilientCall): void {
    this.reloadTimers.delete(call.key);
    const entry = this.peek(call);
    // Invalidated or pushed out meanwhile: not reloaded. Refreshed meanwhile: due later.
    if (entry === undefined) return;
    if (entry.remaining > 0) this.scheduleReload(call, entry);
    else this.start('auto-reload', call);
  }

  /** Past the bound: the timers of entries no longer held are dropped (they would do nothing when due). */
  private dropTimersOfGoneEntries(): void {
    for (const [key, timer] of this.reloadTimers) {
      // Keeping what expired, whatever its method's maxStale: this only asks whether the entry is there.
      if (this.backend.peek(key, false, Infinity) === undefined) {
        this.scheduler.clearTimeout(timer);
        this.reloadTimers.delete(key);
      }
    }
  }
}
