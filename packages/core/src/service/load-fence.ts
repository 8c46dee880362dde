import type { LoadContext } from './load-tracing';

/** One run of a cached method (or `getOrSet` factory) on a miss, from start to store. */
export interface Load {
  readonly key: string;
  /** The fence's version when the load began. */
  readonly startVersion: number;
  /** Set when an invalidation of the key, or a clear, overtook the load: its result is not stored. */
  fenced: boolean;
  /** Tags and dependency keys of the result; grows while the load runs as nested cached calls report theirs. */
  readonly dependencies: string[];
  /** The shared result, for callers that join the load (single flight). */
  promise: Promise<unknown> | undefined;
  /** Loads of callers waiting on this one: they receive its key and dependencies when it completes. */
  readonly callers: Load[];
  /** Set when the load ended; it takes no more dependencies. */
  closed: boolean;
  /** Present while someone subscribes to the `cachet:load` tracing channel. */
  trace?: LoadContext;
}

/** Beyond this many remembered dependency invalidations, those older than every running load are forgotten. */
const PRUNE_THRESHOLD = 10_000;

/**
 * The coherence fence: a load that began before an invalidation of its key, of one of its dependencies,
 * or a clear, must not store its (possibly stale) result. Also the single-flight table: concurrent misses
 * of one key share one load, until an invalidation detaches it so that later callers start afresh.
 */
export class LoadFence {
  private version = 0;
  private clearedAt = 0;
  private readonly dependencyInvalidatedAt = new Map<string, number>();
  private readonly running = new Set<Load>();
  /** Loads that callers may join, by key. */
  readonly joinable = new Map<string, Load>();

  /** Starts a load; the caller must {@link LoadFence.end} it whatever happens. */
  begin(key: string, dependencies: string[]): Load {
    const load: Load = { key, startVersion: this.version, fenced: false, dependencies, promise: undefined, callers: [], closed: false };
    this.running.add(load);
    return load;
  }

  /** Whether the load's result may be stored. */
  admits(load: Load): boolean {
    if (load.fenced || this.clearedAt > load.startVersion) return false;
    if (this.dependencyInvalidatedAt.size > 0) {
      for (const dependency of load.dependencies) {
        if ((this.dependencyInvalidatedAt.get(dependency) ?? 0) > load.startVersion) return false;
      }
    }
    return true;
  }

  end(load: Load): void {
    load.closed = true;
    if (this.joinable.get(load.key) === load) this.joinable.delete(load.key);
    this.running.delete(load);
    // Clearing an empty map is not free (V8 allocates it a new table): only when something is remembered.
    if (this.running.size === 0 && this.dependencyInvalidatedAt.size > 0) this.dependencyInvalidatedAt.clear();
  }

  /** Keys were invalidated: their running loads are fenced and detached; loads that depend on them too. */
  invalidate(keys: Iterable<string>, dependencies: Iterable<string>): void {
    this.version++;
    if (this.running.size === 0) return;
    // A key is also a dependency: of the callers whose results were built from it.
    const invalidated = new Set<string>(keys);
    for (const dependency of dependencies) invalidated.add(dependency);
    for (const item of invalidated) this.dependencyInvalidatedAt.set(item, this.version);
    for (const load of this.running) {
      if (!load.fenced && (invalidated.has(load.key) || load.dependencies.some((dependency) => invalidated.has(dependency)))) this.fence(load);
    }
    if (this.dependencyInvalidatedAt.size > PRUNE_THRESHOLD) this.prune();
  }

  /** Everything was invalidated: every running load is fenced. */
  clear(): void {
    this.version++;
    this.clearedAt = this.version;
    for (const load of this.running) load.fenced = true;
    this.joinable.clear();
  }

  private fence(load: Load): void {
    load.fenced = true;
    if (this.joinable.get(load.key) === load) this.joinable.delete(load.key);
  }

  private prune(): void {
    let oldest = this.version;
    for (const load of this.running) oldest = Math.min(oldest, load.startVersion);
    for (const [dependency, version] of this.dependencyInvalidatedAt) {
      if (version <= oldest) this.dependencyInvalidatedAt.delete(dependency);
    }
  }
}
