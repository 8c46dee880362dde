import { CacheConfigurationError } from '../errors';

/** How long entries live; shared by profiles, `@Cache` and `getOrSet`. */
export interface ExpirationOptions {
  /**
   * Absolute lifetime of an entry in milliseconds. Mutually exclusive with
   * {@link ExpirationOptions.slidingExpiration}. `0` or absent: no expiration (entries leave when pushed
   * out by the backend's bound or invalidated).
   */
  readonly ttl?: number;
  /**
   * Lifetime in milliseconds that restarts on every hit: an entry read at least this often stays.
   * Mutually exclusive with {@link ExpirationOptions.ttl}.
   */
  readonly slidingExpiration?: number;
}

/** Options of {@link Cache}. Each one left out comes from the profile. */
export interface CacheOptions extends ExpirationOptions {
  /** The named profile (from `CachingService.create({ profiles })`) to take defaults from. @default 'default' */
  readonly profile?: string;
  /** `false` runs the method uncached. @default the profile's `enabled`, which defaults to `true` */
  readonly enabled?: boolean;
  /**
   * Stores a `structuredClone` of each result and hands out clones on hits, so callers cannot change
   * the cached value. Costs a clone per store and per hit.
   * @default the profile's `clone`, which defaults to `false`
   */
  readonly clone?: boolean;
  /**
   * A custom key: its result, encoded like an argument, replaces the key arguments. Called with the
   * method's arguments.
   */
  key?(...args: never[]): unknown;
  /** Tags of the cached result, from the method's arguments; `invalidateTags(tag)` drops it. */
  tags?(...args: never[]): readonly string[];
  /**
   * Parameters left out of the key, by name or position: what `@NotCacheKey()` does where parameter
   * decorators are unavailable (standard decorators).
   */
  readonly notCacheKey?: readonly (string | number)[];
}

/** Checks expiration options once, naming the option path on error. */
export function validateExpiration(path: string, options: ExpirationOptions): void {
  for (const name of ['ttl', 'slidingExpiration'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new CacheConfigurationError(`${path}.${name}`, `expected a non-negative number of milliseconds, got ${String(value)}.`);
    }
  }
  if (options.ttl && options.slidingExpiration) {
    throw new CacheConfigurationError(`${path}.slidingExpiration`, 'give either `ttl` (absolute) or `slidingExpiration`, not both.');
  }
}

/** Checks `@Cache` options when the decorator is applied. */
export function validateCacheOptions(method: string, options: CacheOptions): void {
  const path = `@Cache() on ${method}`;
  validateExpiration(path, options);
  for (const name of ['key', 'tags'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new CacheConfigurationError(`${path}.${name}`, 'expected a function of the method arguments.');
    }
  }
  if (options.profile !== undefined && typeof options.profile !== 'string') {
    throw new CacheConfigurationError(`${path}.profile`, 'expected a profile name.');
  }
  for (const item of options.notCacheKey ?? []) {
    if (typeof item !== 'string' && !(Number.isInteger(item) && item >= 0)) {
      throw new CacheConfigurationError(`${path}.notCacheKey`, `expected parameter names or positions, got ${String(item)}.`);
    }
  }
}
