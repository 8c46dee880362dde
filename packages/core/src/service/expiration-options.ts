import { CacheConfigurationError } from '../errors';

/** An absolute lifetime: entries leave `ttl` ms after they were stored. */
export interface AbsoluteExpiration {
  /**
   * Absolute lifetime of an entry in milliseconds. `0` or absent: no expiration (entries leave when pushed
   * out by the backend's bound or invalidated). Cannot be combined with a non-zero
   * {@link SlidingExpiration.slidingExpiration}.
   * @default no expiration, or the profile's
   */
  readonly ttl?: number;
  /** Only `0` (or nothing) goes with a `ttl`: the two lifetimes exclude each other. */
  readonly slidingExpiration?: 0 | undefined;
}

/** A sliding lifetime: entries leave once unread for `slidingExpiration` ms. */
export interface SlidingExpiration {
  /**
   * Lifetime in milliseconds that restarts on every hit: an entry read at least this often stays. Cannot
   * be combined with a non-zero {@link AbsoluteExpiration.ttl}.
   * @default no expiration, or the profile's
   */
  readonly slidingExpiration?: number;
  /** Only `0` (or nothing) goes with a `slidingExpiration`: the two lifetimes exclude each other. */
  readonly ttl?: 0 | undefined;
}

/**
 * How long entries live; shared by profiles, `@Cache` and `getOrSet`. Either {@link AbsoluteExpiration.ttl}
 * or {@link SlidingExpiration.slidingExpiration}: writing both (non-zero) does not compile, and is rejected
 * at run time with {@link CacheConfigurationError} for callers the compiler did not see.
 */
export type ExpirationOptions = AbsoluteExpiration | SlidingExpiration;

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
