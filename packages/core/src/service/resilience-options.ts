import type { CacheBackend } from '../backends/cache-backend';
import { CacheConfigurationError, describeOptionValue } from '../errors';

/** Serve the last value when a load fails, for a while after it expired. */
export interface FailSafeOptions {
  /**
   * How long after its expiration an entry may still answer a call whose load failed (or timed out, see
   * {@link ResilienceOptions.timeout}), in milliseconds. Expired entries are kept that long, counted
   * against the backend's bound (`maxEntries`). An *invalidated* entry is gone at once and never served.
   */
  readonly maxStale: number;
  /**
   * After fail-safe answered for a key (or a background load of it failed), calls of that key are answered
   * from the expired value for this many milliseconds without running the loader again: a database that is
   * down is not asked once per call. `0`: every call tries the loader.
   * @default 30000
   */
  readonly throttle?: number;
}

/** How long a caller waits for a load. Both are in milliseconds, like `ttl`; the load itself is never cancelled. */
export interface TimeoutOptions {
  /**
   * After this long, a caller with a fail-safe value (see {@link ResilienceOptions.failSafe}, required) gets
   * it, and the load goes on in the background; its result is stored unless an invalidation overtook it.
   * Without a fail-safe value the caller keeps waiting, up to `hard`.
   */
  readonly soft?: number;
  /**
   * After this long, the caller gets the fail-safe value if there is one, or a {@link CacheLoadTimeoutError};
   * the load goes on in the background. Greater than `soft` when both are given.
   */
  readonly hard?: number;
}

/**
 * Options that keep a method answering when its source is slow or down; in `@Cache`, `getOrSet` and
 * profiles. Each one left out comes from the profile; `false` turns a profile's setting off. None of them
 * ever serves a value that was invalidated (here, by another instance, by tag, dependency or clear, or by
 * a gap recovery): only entries that *expired*. Loads they start in the background run through the same
 * coherence fence as any load and report failures as `background-error` events.
 *
 * Cost: a method with none of them set is served by the plain hit path. With any set, a hit reads the
 * entry's remaining lifetime too (lru-cache's `getRemainingTTL`, a second hash lookup).
 */
export interface ResilienceOptions {
  /** Serve an expired value when the load fails. Needs an expiration (`ttl` or `slidingExpiration`). @default off */
  readonly failSafe?: FailSafeOptions | false;
  /** Stop waiting on a slow load. @default off: callers wait as long as the load takes */
  readonly timeout?: TimeoutOptions | false;
  /**
   * A fraction of the `ttl` (between 0 and 1, exclusive): a hit on an entry older than this returns the
   * cached value at once and starts one background reload (single flight with any other load of the key).
   * Needs an absolute `ttl`. `0.8` with `ttl: 60_000`: hits after 48 s refresh.
   * @default off
   */
  readonly eagerRefresh?: number | false;
  /**
   * Reload each entry in the background when it expires (Metalama's auto-reload profile option), so a hot
   * entry is rarely missed. Needs an absolute `ttl`. Costs a timer per entry, and one load per entry per
   * `ttl` for as long as the entry stays (until invalidated or pushed out). Entries are *not* reloaded on
   * invalidation: every instance would hit the database at once.
   * @default false
   */
  readonly autoReload?: boolean;
}

/** The resilience of one method (or `getOrSet` call), resolved: what the service reads on every call. */
export interface Resilience {
  /** Milliseconds an expired entry may answer; `0` when fail-safe is off. */
  readonly maxStale: number;
  /** Milliseconds calls of a key are answered from its expired value after a failure. */
  readonly throttle: number;
  readonly soft: number | undefined;
  readonly hard: number | undefined;
  /** Eager refresh: a hit on an entry with at most this many milliseconds left reloads it. */
  readonly refreshBelow: number | undefined;
  readonly autoReload: boolean;
}

const DEFAULT_THROTTLE = 30_000;

function milliseconds(path: string, value: unknown, allowZero: boolean): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0))) {
    throw new CacheConfigurationError(path, `expected a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds, got ${describeOptionValue(value)}.`);
  }
}

function plainObject(path: string, value: unknown, example: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CacheConfigurationError(path, `expected false or an object such as ${example}, got ${describeOptionValue(value)}.`);
  }
}

/** Checks the shape of resilience options where they are written (profile, decorator, `getOrSet`), naming the option path. */
export function validateResilienceOptions(path: string, options: ResilienceOptions): void {
  const { failSafe, timeout, eagerRefresh, autoReload } = options;
  if (failSafe !== undefined && failSafe !== false) {
    plainObject(`${path}.failSafe`, failSafe, '{ maxStale: 3_600_000 }');
    milliseconds(`${path}.failSafe.maxStale`, failSafe.maxStale, false);
    if (failSafe.throttle !== undefined) milliseconds(`${path}.failSafe.throttle`, failSafe.throttle, true);
  }
  if (timeout !== undefined && timeout !== false) {
    plainObject(`${path}.timeout`, timeout, '{ soft: 100, hard: 2_000 }');
    if (timeout.soft === undefined && timeout.hard === undefined) {
      throw new CacheConfigurationError(`${path}.timeout`, 'give `soft`, `hard` or both (milliseconds), or `false` for none.');
    }
    if (timeout.soft !== undefined) milliseconds(`${path}.timeout.soft`, timeout.soft, false);
    if (timeout.hard !== undefined) milliseconds(`${path}.timeout.hard`, timeout.hard, false);
    if (timeout.soft !== undefined && timeout.hard !== undefined && timeout.hard <= timeout.soft) {
      throw new CacheConfigurationError(`${path}.timeout.hard`, `must be greater than \`soft\` (${timeout.soft}), got ${timeout.hard}.`);
    }
  }
  if (eagerRefresh !== undefined && eagerRefresh !== false && !(typeof eagerRefresh === 'number' && eagerRefresh > 0 && eagerRefresh < 1)) {
    throw new CacheConfigurationError(`${path}.eagerRefresh`, `expected a fraction of the ttl between 0 and 1 (exclusive) such as 0.8, or false, got ${describeOptionValue(eagerRefresh)}.`);
  }
  if (autoReload !== undefined && typeof autoReload !== 'boolean') {
    throw new CacheConfigurationError(`${path}.autoReload`, `expected true or false, got ${describeOptionValue(autoReload)}.`);
  }
}

/**
 * Merges a method's resilience options over its profile's (each option replaces the profile's as a
 * whole), checks that they fit the expiration and the backend, and resolves them; `undefined` when none is
 * on, so that the method keeps the plain hit path.
 * @throws {@link CacheConfigurationError} naming `path` and the option.
 */
export function resolveResilience(
  path: string,
  request: ResilienceOptions,
  profile: ResilienceOptions,
  expiration: { readonly ttl: number | undefined; readonly slidingExpiration: number | undefined },
  backend: CacheBackend,
): Resilience | undefined {
  const failSafe = request.failSafe ?? profile.failSafe ?? false;
  const timeout = request.timeout ?? profile.timeout ?? false;
  const eagerRefresh = request.eagerRefresh ?? profile.eagerRefresh ?? false;
  const autoReload = request.autoReload ?? profile.autoReload ?? false;
  if (failSafe === false && timeout === false && eagerRefresh === false && !autoReload) return undefined;
  if (typeof backend.peek !== 'function') {
    throw new CacheConfigurationError(`${path}`, 'failSafe, timeout, eagerRefresh and autoReload need a backend that implements `peek` (MemoryBackend does).');
  }
  const needsTtl = eagerRefresh !== false ? 'eagerRefresh' : autoReload ? 'autoReload' : undefined;
  if (needsTtl !== undefined && expiration.ttl === undefined) {
    throw new CacheConfigurationError(`${path}.${needsTtl}`, 'needs an absolute `ttl` (here or in the profile): it is timed from the entry\'s lifetime.');
  }
  if (failSafe !== false && expiration.ttl === undefined && expiration.slidingExpiration === undefined) {
    throw new CacheConfigurationError(`${path}.failSafe`, 'needs `ttl` or `slidingExpiration` (here or in the profile): without expiration no entry is ever expired to fall back on.');
  }
  if (failSafe !== false && backend.keepsExpired === false) {
    throw new CacheConfigurationError(`${path}.failSafe`, 'the backend removes entries as they expire (MemoryBackend `purgeExpired`), which leaves nothing to fall back on.');
  }
  if (timeout !== false && timeout.soft !== undefined && failSafe === false) {
    throw new CacheConfigurationError(`${path}.timeout.soft`, 'a soft timeout answers with a fail-safe value: set `failSafe` too, or use only `hard`.');
  }
  return {
    maxStale: failSafe === false ? 0 : failSafe.maxStale,
    throttle: failSafe === false ? DEFAULT_THROTTLE : (failSafe.throttle ?? DEFAULT_THROTTLE),
    soft: timeout === false ? undefined : timeout.soft,
    hard: timeout === false ? undefined : timeout.hard,
    refreshBelow: eagerRefresh === false || expiration.ttl === undefined ? undefined : expiration.ttl - expiration.ttl * eagerRefresh,
    autoReload,
  };
}
