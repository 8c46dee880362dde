/** Returned by {@link CacheBackend.get} when the key has no live entry (a cached `undefined` is a hit). */
export const MISS: unique symbol = Symbol('cachet.miss');

/**
 * What a service with a second level stores in its backend: the value, and the store version it is known
 * valid at (see `VersionStamp`). A backend keeps it like any value; `MemoryBackend` measures
 * {@link VersionedValue.value} with its `sizeOf`.
 */
export class VersionedValue {
  constructor(
    readonly value: unknown,
    readonly version: number,
  ) {}
}

/** How long an entry lives and what it depends on. */
export interface EntryOptions {
  /** Absolute lifetime in milliseconds; `undefined` or `0` for none. */
  readonly ttl?: number | undefined;
  /** Lifetime in milliseconds that restarts on every read; takes the place of {@link EntryOptions.ttl}. */
  readonly slidingExpiration?: number | undefined;
  /**
   * Tags and dependency keys: invalidating any of them removes the entry (and, transitively, the
   * entries that depend on this entry's key).
   */
  readonly dependencies?: readonly string[] | undefined;
}

/** Why an entry left a backend on its own: pushed out by its bound (`capacity`) or found expired (`expired`). */
export type EvictionReason = 'capacity' | 'expired';

/**
 * An entry found by {@link CacheBackend.peek}: its value and how long it has left. A backend may hand out
 * the same object on every call: read it before the next call.
 */
export interface EntryProbe {
  /** The stored value (`undefined` and `null` included). */
  value: unknown;
  /**
   * Milliseconds until the entry expires: `Infinity` when it has no expiration, negative once it has
   * expired (by that many milliseconds). An entry is live while this is `>= 0`.
   */
  remaining: number;
}

/**
 * The local store behind a caching service. Backends are in-process and synchronous: a cache hit never
 * waits on I/O. Coherence across instances is the synchronization engine's job, not the backend's.
 */
export interface CacheBackend {
  /** The live value under `key`, or {@link MISS}. `sliding` restarts a sliding entry's lifetime. */
  get(key: string, sliding: boolean): unknown;
  /**
   * The entry under `key` with its remaining lifetime, for the resilience options (fail-safe, eager
   * refresh, auto-reload): unlike {@link CacheBackend.get}, an expired entry is returned (with a negative
   * `remaining`) and kept, as long as it expired at most `keepExpiredFor` ms ago; one that expired earlier
   * is removed. `sliding` restarts a live sliding entry's lifetime. Optional: a backend without it serves
   * no method with resilience options (they are rejected with a `CacheConfigurationError`).
   */
  peek?(key: string, sliding: boolean, keepExpiredFor: number): EntryProbe | undefined;
  /**
   * Whether expired entries stay until {@link CacheBackend.peek} drops them, pushed out by the bound or
   * invalidated; `false` when the backend removes them on expiry (so fail-safe has nothing to serve).
   */
  readonly keepsExpired?: boolean;
  /** Stores `value` (which may be `undefined` or `null`) under `key`, replacing any previous entry. */
  set(key: string, value: unknown, options: EntryOptions): void;
  /**
   * Removes the entries under `keys` and every entry that depends on one of `keys` or `dependencies`,
   * transitively (a removed entry's key is itself a dependency of its callers). Safe against cycles.
   * @returns the removed keys.
   */
  invalidate(keys: Iterable<string>, dependencies: Iterable<string>): string[];
  /** The tags and dependency keys the live entry under `key` was stored with (empty when none or absent). */
  dependenciesOf(key: string): readonly string[];
  /** Removes every entry. */
  clear(): void;
  /** Number of entries held, expired ones not yet purged included. */
  readonly size: number;
  /**
   * The most entries the backend holds, if it has such a bound. The default key builder remembers up to about
   * this many finished keys per method (10,000 when absent), so that a hit skips building its key.
   */
  readonly capacity?: number | undefined;
  /**
   * Hands the backend the function to call whenever an entry leaves on its own (never for `invalidate`,
   * `clear` or a replacing `set`). Called once, by the caching service that uses the backend; a backend
   * without it reports no evictions.
   */
  watchEvictions?(listener: (key: string, reason: EvictionReason) => void): void;
}
