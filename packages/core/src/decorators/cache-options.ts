import { CacheConfigurationError } from '../errors';
import { type ExpirationOptions, validateExpiration } from '../service/expiration-options';

/** Options of {@link Cache} besides expiration. Each one left out comes from the profile. */
export interface CacheMethodOptions {
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
   * `false` keeps the method's results out of the second level (`CachingService.create({ l2 })`), in this
   * instance's memory only: for values the serializer cannot carry, or that must not be shared.
   * @default the profile's `l2`, which defaults to `true`
   */
  readonly l2?: boolean;
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

/**
 * Options of {@link Cache}: {@link CacheMethodOptions} and an expiration, `ttl` or `slidingExpiration`
 * (writing both does not compile: see {@link ExpirationOptions}). Each one left out comes from the profile.
 */
export type CacheOptions = CacheMethodOptions & ExpirationOptions;

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
