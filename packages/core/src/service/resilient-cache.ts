import { MISS } from '../backends/cache-backend';
import { CacheLoadTimeoutError } from '../errors';
import type { Scheduler } from '../sync/scheduler';
import { BackgroundLoads, type PeekingBackend } from './background-loads';
import type { EventHub } from './events';
import { isPromiseLike, type LocalCache } from './local-cache';
import type { MethodHandle } from './method-handle';
import type { ResilienceStats, StaleReason } from './resilience-events';
import { answerFor, ResilientCall, type ResilientSettings } from './resilient-call';
import { type Deadline, raceDeadlines } from './timeout-race';

/**
 * Serves the calls of methods with resilience options (fail-safe, soft and hard timeouts, eager refresh,
 * auto-reload) over the local cache. The coherence rule: only an entry that *expired* is ever served
 * stale. Invalidation removes an entry from the backend at once (clear and gap recovery empty it), so
 * every stale value is read from the backend at the moment it is served, never remembered from earlier.
 * Created on the first such call: a service without them pays nothing.
 */
export class ResilientCache {
  readonly counters: ResilienceStats = { staleServed: 0, failSafe: 0, softTimeouts: 0, hardTimeouts: 0, eagerRefreshes: 0, autoReloads: 0, backgroundErrors: 0 };
  private readonly background: BackgroundLoads;
  /** Errors already reported as `background-error`: callers that joined one load time out on one failure. */
  private readonly reported = new WeakSet<object>();

  constructor(
    private readonly local: LocalCache,
    private readonly backend: PeekingBackend,
    private readonly scheduler: Scheduler,
    private readonly events: EventHub,
  ) {
    this.background = new BackgroundLoads(local, backend, scheduler, events, this.counters);
  }

  /**
   * Serves one call: a live entry is a hit (past the eager-refresh point it also starts a background
   * reload); otherwise the load runs, guarded by fail-safe and the timeouts.
   */
  serve(
    key: string,
    settings: ResilientSettings,
    method: MethodHandle | undefined,
    fn: (this: unknown, ...args: never[]) => unknown,
    thisArg: unknown,
    args: ArrayLike<unknown>,
  ): unknown {
    const resilience = settings.resilience;
    const entry = this.backend.peek(key, settings.sliding, resilience.maxStale);
    if (entry !== undefined && entry.remaining >= 0) {
      const refresh = resilience.refreshBelow !== undefined && entry.remaining <= resilience.refreshBelow;
      const value = this.local.hit(key, entry.value, settings);
      const call = refresh ? new ResilientCall(key, settings, method, fn, thisArg, args) : undefined;
      if (call !== undefined) this.background.start('eager-refresh', call);
      return answerFor(method, value);
    }
    const call = new ResilientCall(key, settings, method, fn, thisArg, args);
    // Expired but kept for fail-safe, and the loader rests after a recent failure: the expired value answers.
    if (entry !== undefined && this.background.isThrottled(key)) return call.answer(this.serveStale(call, entry.value, 'throttled'));
    return this.load(call);
  }

  /** Stops the auto-reload timers. */
  dispose(): void {
    this.background.dispose();
  }

  private load(call: ResilientCall): unknown {
    let result: unknown;
    try {
      result = this.local.load(call.key, call.settings, call.method, call.execute, call.args);
    } catch (error) {
      return call.answer(this.recover(call, error));
    }
    if (!isPromiseLike(result)) {
      this.background.loaded(call);
      return result;
    }
    if (call.resilience.autoReload) result.then(() => this.background.loaded(call), () => undefined);
    const deadlines = this.deadlines(call);
    if (deadlines.length > 0) {
      return raceDeadlines(result, deadlines, this.scheduler, (error) => this.recover(call, error), (error) => this.late(call, error));
    }
    return call.resilience.maxStale > 0 ? result.then(undefined, (error: unknown) => this.recover(call, error)) : result;
  }

  /** The load failed: fail-safe answers with the expired value if there is one, else the error stands. */
  private recover(call: ResilientCall, error: unknown): unknown {
    const stale = this.expiredValue(call);
    if (stale === MISS) throw error;
    this.counters.failSafe++;
    this.background.throttle(call);
    if (this.events.hears('fail-safe')) this.events.emit('fail-safe', { ...call.about, error });
    return this.serveStale(call, stale, 'fail-safe');
  }

  /** The soft and hard timeouts of the call's load. */
  private deadlines(call: ResilientCall): Deadline[] {
    const { soft, hard } = call.resilience;
    const deadlines: Deadline[] = [];
    if (soft !== undefined) {
      deadlines.push({
        afterMs: soft,
        decide: () => {
          const stale = this.expiredValue(call);
          // Nothing to answer with: the caller keeps waiting, up to the hard timeout.
          if (stale === MISS) return undefined;
          this.counters.softTimeouts++;
          if (this.events.hears('soft-timeout')) this.events.emit('soft-timeout', { ...call.about, timeoutMs: soft });
          return { value: this.serveStale(call, stale, 'soft-timeout') };
        },
      });
    }
    if (hard !== undefined) {
      deadlines.push({
        afterMs: hard,
        decide: () => {
          const stale = this.expiredValue(call);
          this.counters.hardTimeouts++;
          if (this.events.hears('hard-timeout')) this.events.emit('hard-timeout', { ...call.about, timeoutMs: hard, servedStale: stale !== MISS });
          if (stale === MISS) return { error: new CacheLoadTimeoutError(call.name, call.key, hard) };
          return { value: this.serveStale(call, stale, 'hard-timeout') };
        },
      });
    }
    return deadlines;
  }

  /** The load failed after its callers were answered by a timeout: reported once, as a background error. */
  private late(call: ResilientCall, error: unknown): void {
    if (typeof error === 'object' && error !== null) {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    this.background.failed('timeout', call, error);
  }

  /**
   * The entry's value, read now, if fail-safe may serve it: expired at most `maxStale` ago (or live again,
   * stored meanwhile by another load). {@link MISS} when there is none, as after any invalidation.
   */
  private expiredValue(call: ResilientCall): unknown {
    if (call.resilience.maxStale === 0) return MISS;
    const entry = this.backend.peek(call.key, false, call.resilience.maxStale);
    return entry === undefined ? MISS : entry.value;
  }

  private serveStale(call: ResilientCall, value: unknown, reason: StaleReason): unknown {
    this.counters.staleServed++;
    if (this.events.hears('stale-served')) this.events.emit('stale-served', { ...call.about, reason });
    return this.local.served(call.key, value, call.settings);
  }
}
