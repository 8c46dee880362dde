/** Every error cachet throws is a `CachetError` with a stable {@link CachetError.code}. */
export class CachetError extends Error {
  /** A stable, documented code such as `E_CACHE_KEY`; match on it rather than on the message. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Where a key argument sits: the cached method, the argument's position and its parameter name. */
export interface KeyArgumentLocation {
  readonly className: string;
  readonly methodName: string;
  /** Zero-based position of the argument; `-1` for `this`. */
  readonly index: number;
  readonly parameterName: string | undefined;
}

/** An argument (or `this`) cannot be turned into a cache key: a function, a symbol, or a cycle. */
export class CacheKeyError extends CachetError {
  readonly location: KeyArgumentLocation;

  constructor(location: KeyArgumentLocation, problem: string, options?: { cause?: unknown }) {
    const where = location.index < 0 ? '`this`' : `argument ${location.index}${location.parameterName ? ` (${location.parameterName})` : ''}`;
    super(
      'E_CACHE_KEY',
      `Cannot build a cache key for ${location.className}.${location.methodName}: ${where} ${problem}. ` +
        'Exclude it from the key with @NotCacheKey() or the `notCacheKey` option, or give the method a `key` function.',
      options,
    );
    this.location = location;
  }
}

/** An option passed to cachet is invalid; the message names the option path and what it expects. */
export class CacheConfigurationError extends CachetError {
  /** The path of the offending option, such as `profiles.default.ttl`. */
  readonly option: string;

  constructor(option: string, problem: string, options?: { cause?: unknown }) {
    super('E_CONFIGURATION', `Invalid cachet option \`${option}\`: ${problem}`, options);
    this.option = option;
  }
}

/** A cached method or call names a profile that the caching service does not define. */
export class UnknownProfileError extends CachetError {
  readonly profile: string;

  constructor(profile: string, usedBy: string, known: readonly string[]) {
    super(
      'E_UNKNOWN_PROFILE',
      `${usedBy} uses the caching profile "${profile}", which is not defined. ` +
        `Defined profiles: ${known.map((name) => `"${name}"`).join(', ')}. Add it to \`profiles\` in CachingService.create().`,
    );
    this.profile = profile;
  }
}

/** A decorator is placed where it cannot work, such as `@Cache` on a field or a getter. */
export class DecoratorUsageError extends CachetError {
  constructor(message: string) {
    super('E_DECORATOR_USAGE', message);
  }
}

/**
 * `@InvalidateCache` cannot map a mutator onto the cached method it names: the method does not exist, is
 * not cached, or needs an argument the mutator does not have.
 */
export class InvalidateCacheMappingError extends CachetError {
  constructor(mutator: string, cachedMethod: string, problem: string) {
    super('E_INVALIDATE_MAPPING', `@InvalidateCache on ${mutator} cannot invalidate ${cachedMethod}: ${problem}`);
  }
}

/** `invalidate()` or `refresh()` was given a function that did not call any cached method. */
export class NothingCapturedError extends CachetError {
  constructor(operation: string) {
    super(
      'E_NOTHING_CAPTURED',
      `${operation}() expects a function that calls a method decorated with @Cache, such as ` +
        '`() => catalogue.getProduct(42)`, but the function called none.',
    );
  }
}

/** A caching service was used after `dispose()`. */
export class ServiceDisposedError extends CachetError {
  constructor(operation: string) {
    super('E_DISPOSED', `Cannot ${operation}: this CachingService was disposed. Create a new one instead.`);
  }
}

/** The synchronization transport could not connect, or a publish failed after every retry. */
export class SynchronizationError extends CachetError {
  /** The transport's name, such as `redis`. */
  readonly transport: string;

  constructor(code: 'E_SYNC_CONNECT' | 'E_SYNC_PUBLISH' | 'E_SYNC_STALLED', transport: string, message: string, options?: { cause?: unknown }) {
    super(code, `[${transport}] ${message}`, options);
    this.transport = transport;
  }
}
