import { LRUCache } from 'lru-cache';
import { CacheConfigurationError } from '../errors';
import { type CacheBackend, type EntryOptions, type EntryProbe, type EvictionReason, MISS, VersionedValue } from './cache-backend';
import { DependencyIndex } from './dependency-index';
import { flatString, flattenInPlace } from './flat-string';

/** Options of {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /**
   * The most entries held; the least recently used go first. Always bounded, so the cache and its
   * dependency index cannot grow without limit.
   * @default 10000
   */
  readonly maxEntries?: number;
  /**
   * A bound on the total size of the values, in the unit {@link MemoryBackendOptions.sizeOf} returns.
   * Requires `sizeOf`. Costs one `sizeOf` call per store.
   */
  readonly maxSize?: number;
  /** Measures one value for {@link MemoryBackendOptions.maxSize}; must return a positive integer. */
  readonly sizeOf?: (value: unknown, key: string) => number;
  /**
   * Remove expired entries on a timer instead of when they are next read or pushed out. Costs a timer
   * per entry; without it, expired entries still count towards `maxEntries` until then. Leaves nothing
   * for fail-safe to serve, so methods with `failSafe` are rejected on a backend that purges.
   * @default false
   */
  readonly purgeExpired?: boolean;
  /** The clock, in milliseconds, that expirations are measured with: inject one in tests. @default performance.now */
  readonly clock?: () => number;
}

/** Stand in for stored `undefined` and `null`, which lru-cache cannot hold. */
const UNDEFINED = Symbol('cachet.undefined');
const NULL = Symbol('cachet.null');
const SLIDING_GET = { updateAgeOnGet: true } as const;
/** Reads that return an expired entry and keep it, for {@link MemoryBackend.peek}. */
const PEEK = { allowStale: true, noDeleteOnStaleGet: true };
const SLIDING_PEEK = { ...PEEK, updateAgeOnGet: true };

type StoredValue = object | string | number | bigint | boolean | symbol;

/** A stored value as the caller stored it: the stand-ins back to `undefined` and `null`. */
function fromStored(value: unknown): unknown {
  return value === UNDEFINED ? undefined : value === NULL ? null : value;
}

/** What `sizeOf` measures of a stored value: the value as the application returned it. */
function applicationValue(stored: unknown): unknown {
  const value = fromStored(stored);
  return value instanceof VersionedValue ? value.value : value;
}

function positiveInteger(option: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new CacheConfigurationError(option, `expected a positive integer, got ${String(value)}.`);
  }
}

/**
 * The in-process cache backend, on lru-cache: bounded by entry count (and optionally by size), with
 * absolute and sliding expiration and a dependency index that forgets entries as they are evicted or
 * expire.
 *
 * @example
 * ```ts
 * const service = CachingService.create({ backend: new MemoryBackend({ maxEntries: 50_000 }) });
 * ```
 * @throws {@link CacheConfigurationError} for an invalid option.
 */
export class MemoryBackend implements CacheBackend {
  private readonly entries: LRUCache<string, StoredValue>;
  private readonly index = new DependencyIndex();
  /** What {@link MemoryBackend.peek} returns, reused: peeks allocate nothing. */
  private readonly probe: EntryProbe = { value: undefined, remaining: Infinity };
  /** `false` with `purgeExpired`, which removes entries as they expire: see {@link CacheBackend.keepsExpired}. */
  readonly keepsExpired: boolean;
  private evicted: ((key: string, reason: EvictionReason) => void) | undefined;

  constructor(options: MemoryBackendOptions = {}) {
    positiveInteger('backend.maxEntries', options.maxEntries);
    positiveInteger('backend.maxSize', options.maxSize);
    if ((options.maxSize === undefined) !== (options.sizeOf === undefined)) {
      throw new CacheConfigurationError('backend.maxSize', '`maxSize` and `sizeOf` go together: give both or neither.');
    }
    this.keepsExpired = options.purgeExpired !== true;
    const clock = options.clock;
    const sizeOf = options.sizeOf;
    this.entries = new LRUCache({
      max: options.maxEntries ?? 10_000,
      ...(options.maxSize !== undefined && sizeOf !== undefined
        ? { maxSize: options.maxSize, sizeCalculation: (value: unknown, key: string) => sizeOf(applicationValue(value), key) }
        : {}),
      ...(options.purgeExpired === true ? { ttlAutopurge: true } : {}),
      // lru-cache caches the time for `ttlResolution` ms, and takes a start time of 0 for "never expires":
      // an injected clock is read on every check, and shifted so that its 0 is a real instant.
      ...(clock !== undefined ? { perf: { now: () => clock() + 1 }, ttlResolution: 0 } : {}),
      dispose: (_value, key, reason) => {
        this.index.remove(key);
        if (this.evicted !== undefined && (reason === 'evict' || reason === 'expire')) this.evicted(key, reason === 'evict' ? 'capacity' : 'expired');
      },
    });
  }

  get(key: string, sliding: boolean): unknown {
    const value = sliding ? this.entries.get(key, SLIDING_GET) : this.entries.get(key);
    return value === undefined ? MISS : fromStored(value);
  }

  /**
   * Reads an entry with its remaining lifetime. An expired one is kept (lru-cache's `noDeleteOnStaleGet`)
   * while within `keepExpiredFor`, still counted against `maxEntries`, and removed once past it. The
   * returned probe is reused by the next call.
   */
  peek(key: string, sliding: boolean, keepExpiredFor: number): EntryProbe | undefined {
    const value = this.entries.get(key, sliding ? SLIDING_PEEK : PEEK);
    if (value === undefined) return undefined;
    // After the read: a live sliding entry has just restarted its lifetime.
    const remaining = this.entries.getRemainingTTL(key);
    if (remaining < -keepExpiredFor) {
      this.entries.delete(key);
      return undefined;
    }
    this.probe.value = fromStored(value);
    this.probe.remaining = remaining;
    return this.probe;
  }

  set(key: string, value: unknown, options: EntryOptions): void {
    const ttl = options.slidingExpiration ?? options.ttl;
    const stored = value === undefined ? UNDEFINED : value === null ? NULL : (value as object);
    // Keys and tags held for the entry's lifetime are stored flat: a key built by concatenation retains
    // several times its length. The key is flattened in place, so that the key builder's remembered key
    // and the stored one stay one string; tags come from user code and are copied (see flat-string.ts).
    flattenInPlace(key);
    if (!this.index.isEmpty) this.index.remove(key);
    this.entries.set(key, stored, ttl ? { ttl } : undefined);
    const dependencies = options.dependencies;
    if (dependencies !== undefined && dependencies.length > 0 && this.entries.has(key)) this.index.add(key, dependencies.map(flatString));
  }

  invalidate(keys: Iterable<string>, dependencies: Iterable<string>): string[] {
    const removed: string[] = [];
    // Without any dependents in the index, nothing further can be reached: one delete per key is all.
    if (this.index.isEmpty) {
      for (const key of keys) if (this.entries.delete(key)) removed.push(key);
      return removed;
    }
    const pending: string[] = [];
    for (const key of keys) {
      if (this.entries.delete(key)) removed.push(key);
      pending.push(key);
    }
    for (const dependency of dependencies) pending.push(dependency);
    // Only what has dependents can lead anywhere (or round a cycle): the rest costs one lookup, no allocation.
    let visited: Set<string> | undefined;
    while (pending.length > 0) {
      const dependency = pending.pop() as string;
      if (!this.index.hasDependents(dependency)) continue;
      visited ??= new Set();
      if (visited.has(dependency)) continue;
      visited.add(dependency);
      const first = pending.length;
      this.index.appendDependents(dependency, pending);
      for (let i = first; i < pending.length; i++) {
        const key = pending[i] as string;
        if (this.entries.delete(key)) removed.push(key);
      }
    }
    return removed;
  }

  watchEvictions(listener: (key: string, reason: EvictionReason) => void): void {
    this.evicted = listener;
  }

  dependenciesOf(key: string): readonly string[] {
    return this.index.dependenciesOf(key);
  }

  clear(): void {
    this.entries.clear();
    this.index.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** {@link MemoryBackendOptions.maxEntries}. */
  get capacity(): number {
    return this.entries.max;
  }

  /** What the dependency index holds; for tests and diagnostics. */
  get indexSize(): { dependencies: number; keys: number } {
    return this.index.size;
  }
}
