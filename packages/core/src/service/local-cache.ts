import { type CacheBackend, MISS } from '../backends/cache-backend';
import type { Invalidation } from '../sync/envelope';
import { addDependencies, closeScope, currentScope, type LoadScope, openScope, runInScope } from './caching-context';
import type { EventHub } from './events';
import { addCaller, type Load, LoadFence } from './load-fence';
import { endLoadTrace, loadTracing, returnedPromise, tracingLoads } from './load-tracing';
import { callName, type MethodHandle } from './method-handle';
import type { CacheSettings } from './method-settings';
import type { SecondLevelLoader } from './second-level-loader';

/** Whether `value` is a promise (or any thenable). */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * The local half of a caching service: lookups, single-flight loads behind the coherence fence, stores,
 * dependency propagation between nested cached calls, and invalidation of local entries.
 */
export class LocalCache {
  readonly counters = { hits: 0, misses: 0, sets: 0, fenced: 0, invalidations: 0 };
  /** `false` while results must not be stored (the `bypass` policy during an outage, or after dispose). */
  accepting = true;
  /** The shared second level, when the service has one: misses read it, loads write it. */
  secondLevel: SecondLevelLoader | undefined = undefined;
  private readonly fence = new LoadFence();
  /** Whether a load's result may still be stored (second level included). */
  private readonly admits = (load: Load): boolean => this.fence.admits(load) && this.accepting;

  constructor(
    private readonly backend: CacheBackend,
    private readonly events: EventHub,
    private readonly objectKeyOf: (value: object) => string,
  ) {
    backend.watchEvictions?.((key, reason) => events.emitFromService('evict', { key, reason }));
  }

  /** Entries held now. */
  get size(): number {
    return this.backend.size;
  }

  /** The value cached under `key` (a clone when the settings say so), or {@link MISS}. */
  lookup(key: string, settings: CacheSettings): unknown {
    const value = this.backend.get(key, settings.sliding);
    return value === MISS ? MISS : this.hit(key, value, settings);
  }

  /** After a miss: joins the load of `key` already running, or runs `execute` as a new one. */
  load(key: string, settings: CacheSettings, method: MethodHandle | undefined, execute: () => unknown, args: ArrayLike<unknown>): unknown {
    this.counters.misses++;
    if (this.events.taps.miss.heard) this.events.emit('miss', { key, origin: settings.origin });
    const running = this.fence.joinable(key);
    if (running?.promise !== undefined) {
      const caller = currentScope();
      if (caller !== undefined) addCaller(running, caller.load);
      return settings.clone ? running.promise.then((value) => structuredClone(value)) : running.promise;
    }
    return this.run(key, settings, method, execute, args);
  }

  /**
   * Runs `execute` afresh for `key` (refresh): loads of the old value still running are fenced, and the
   * entries built on the old value are dropped.
   */
  reload(key: string, settings: CacheSettings, method: MethodHandle, execute: () => unknown, args: ArrayLike<unknown>): unknown {
    this.fence.invalidate([key], []);
    // The old value goes too: nothing (fail-safe included) serves it once a refresh has begun.
    this.backend.invalidate([key], []);
    return this.run(key, settings, method, execute, args, 'refresh');
  }

  /** Drops what an invalidation names (here or from another instance) and fences the loads it overtakes. */
  apply(invalidation: Invalidation, source: 'local' | 'remote', sentAt?: number): void {
    let removed: number;
    if (invalidation.all) {
      removed = this.backend.size;
      this.clear();
    } else {
      this.fence.invalidate(invalidation.keys, invalidation.dependencies);
      const removedKeys = this.backend.invalidate(invalidation.keys, invalidation.dependencies);
      // Loads built on what went (dependents included) are fenced too; nothing went, nothing to fence.
      if (removedKeys.length > 0) this.fence.invalidate(removedKeys, []);
      removed = removedKeys.length;
    }
    this.counters.invalidations++;
    const { keys, dependencies, all } = invalidation;
    this.events.emitFromService('invalidate', { source, keys, dependencies, all, removed, sentAt });
  }

  /** Drops every entry and fences every running load: after a gap, or on dispose. */
  clear(): void {
    this.fence.clear();
    this.backend.clear();
  }

  /** Counts a hit on the entry `stored` under `key`, and hands it out as {@link LocalCache.served} does. */
  hit(key: string, stored: unknown, settings: CacheSettings): unknown {
    this.counters.hits++;
    if (this.events.taps.hit.heard) this.events.emit('hit', { key, origin: settings.origin });
    return this.served(key, stored, settings);
  }

  /**
   * Hands out the entry `stored` under `key` (its value, a clone when the settings say so), to the caller's
   * load as a dependency.
   */
  served(key: string, stored: unknown, settings: CacheSettings): unknown {
    const caller = currentScope();
    if (caller !== undefined) {
      // Inside another cached method: the caller's result is built on this entry.
      const dependencies = this.backend.dependenciesOf(key);
      addDependencies(caller.load, [key]);
      addDependencies(caller.load, dependencies);
      this.secondLevel?.usedEntry(caller.load, key, dependencies, stored);
    }
    const value = this.secondLevel === undefined ? stored : this.secondLevel.unwrap(stored);
    return settings.clone ? structuredClone(value) : value;
  }

  /** Whether a load of `key` is running that callers may join. */
  isLoading(key: string): boolean {
    return this.fence.joinable(key) !== undefined;
  }

  /** What a load runs: through the second level when it serves the call, else the method alone. */
  private body(settings: CacheSettings, method: MethodHandle | undefined, execute: () => unknown): () => unknown {
    const secondLevel = this.secondLevel;
    if (secondLevel === undefined || !secondLevel.serves(settings, method)) return execute;
    return secondLevel.through(execute, settings, callName(method), this.admits);
  }

  /**
   * Runs a load (not counted as a miss): single flight for promises, through the second level when it
   * serves the call, and the fence decides whether its result is stored.
   */
  run(key: string, settings: CacheSettings, method: MethodHandle | undefined, execute: () => unknown, args: ArrayLike<unknown>, cause: 'miss' | 'refresh' = 'miss'): unknown {
    const tags = settings.tags === undefined ? [] : [...settings.tags(...Array.from(args))];
    const caller = currentScope();
    const load = this.fence.begin(key, tags);
    this.secondLevel?.begin(load);
    if (caller !== undefined) addCaller(load, caller.load);
    if (tracingLoads()) load.trace = { origin: settings.origin, key, cause, fenced: false, async: false };
    const scope: LoadScope = { load, objectKey: this.objectKeyOf };
    openScope();
    let result: unknown;
    try {
      const body = this.body(settings, method, execute);
      result = load.trace === undefined ? runInScope(scope, body) : loadTracing.start.runStores(load.trace, runInScope, undefined, scope, body);
    } catch (error) {
      this.endLoad(load, true, error);
      throw error;
    }
    if (!isPromiseLike(result)) {
      if (method !== undefined) method.returnsPromise = false;
      return this.store(load, result, settings);
    }
    if (method !== undefined) method.returnsPromise = true;
    const promise = Promise.resolve(result).then(
      (value) => this.store(load, value, settings),
      (error: unknown) => {
        this.endLoad(load, true, error);
        throw error;
      },
    );
    load.promise = promise;
    if (load.trace !== undefined) returnedPromise(load.trace);
    this.fence.makeJoinable(load);
    return promise;
  }

  private store(load: Load, value: unknown, settings: CacheSettings): unknown {
    try {
      if (this.admits(load) && (this.secondLevel?.admitted(load) ?? true)) {
        const stored = settings.clone ? structuredClone(value) : value;
        // A literal, not `{ ...settings.entry, dependencies }`: V8 copies a spread property by property on a
        // slow path, which cost ~2 µs of a ~5 µs miss.
        const { ttl, slidingExpiration } = this.secondLevel === undefined ? settings.entry : this.secondLevel.lifetime(load, settings.entry);
        this.backend.set(load.key, this.secondLevel === undefined ? stored : this.secondLevel.wrap(load, stored), { ttl, slidingExpiration, dependencies: load.dependencies });
        this.counters.sets++;
        if (this.events.taps.set.heard) this.events.emit('set', { key: load.key, origin: settings.origin });
      } else {
        this.counters.fenced++;
        if (load.trace !== undefined) load.trace.fenced = true;
        if (this.events.hears('fenced')) this.events.emit('fenced', { key: load.key, origin: settings.origin });
      }
    } catch (error) {
      this.events.emit('error', { error, operation: `store ${load.key}`, origin: settings.origin });
    } finally {
      if (load.callers !== undefined) {
        for (const caller of load.callers) {
          addDependencies(caller, [load.key]);
          addDependencies(caller, load.dependencies);
          this.secondLevel?.usedLoad(caller, load);
        }
      }
      this.endLoad(load);
    }
    return settings.clone ? structuredClone(value) : value;
  }

  private endLoad(load: Load, failed = false, error?: unknown): void {
    this.fence.end(load);
    closeScope();
    if (load.trace !== undefined) endLoadTrace(load.trace, failed, error);
  }

}
