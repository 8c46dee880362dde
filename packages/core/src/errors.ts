/**
 * Every error code, mapped to the class whose errors carry it: `CachetError['code']` is the union of its
 * keys. A package with errors of its own (a transport, say) registers their codes by declaration merging,
 * so that `code`'s type includes them and its classes can narrow `code` to their own:
 *
 * @example
 * ```ts
 * export class RedisSubscriptionLostError extends CachetError {
 *   declare readonly code: 'E_REDIS_SUBSCRIPTION_LOST';
 *   constructor(channel: string) { super('E_REDIS_SUBSCRIPTION_LOST', `lost ${channel}`); }
 * }
 * declare module '@cachet/core' {
 *   interface CachetErrorCodes { E_REDIS_SUBSCRIPTION_LOST: RedisSubscriptionLostError }
 * }
 * ```
 */
export interface CachetErrorCodes extends CoreErrorClasses {}

/** The code of an error cachet throws: `E_CACHE_KEY`, `E_CONFIGURATION`, … and those other packages registered. */
export type CachetErrorCode = keyof CachetErrorCodes;

/** Every error cachet throws is a `CachetError` with a stable {@link CachetError.code}. */
export class CachetError extends Error {
  /** A stable, documented code such as `E_CACHE_KEY`; match on it rather than on the message. */
  readonly code: CachetErrorCode;

  constructor(code: CachetErrorCode, message: string, options?: { cause?: unknown });
  /**
   * @deprecated A code not registered in {@link CachetErrorCodes}, so missing from `code`'s type:
   * register it there (one declaration-merging block), and this overload is no longer used.
   */
  constructor(code: `E_${string}`, message: string, options?: { cause?: unknown });
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code as CachetErrorCode;
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
  declare readonly code: 'E_CACHE_KEY';

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
  declare readonly code: 'E_CONFIGURATION';

  /** The path of the offending option, such as `profiles.default.ttl`. */
  readonly option: string;

  constructor(option: string, problem: string, options?: { cause?: unknown }) {
    super('E_CONFIGURATION', `Invalid cachet option \`${option}\`: ${problem}`, options);
    this.option = option;
  }
}

/** A cached method or call names a profile that the caching service does not define. */
export class UnknownProfileError extends CachetError {
  declare readonly code: 'E_UNKNOWN_PROFILE';

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
  declare readonly code: 'E_DECORATOR_USAGE';

  constructor(message: string) {
    super('E_DECORATOR_USAGE', message);
  }
}

/**
 * `@InvalidateCache` cannot map a mutator onto the cached method it names: the method does not exist, is
 * not cached, or needs an argument the mutator does not have.
 */
export class InvalidateCacheMappingError extends CachetError {
  declare readonly code: 'E_INVALIDATE_MAPPING';

  constructor(mutator: string, cachedMethod: string, problem: string) {
    super('E_INVALIDATE_MAPPING', `@InvalidateCache on ${mutator} cannot invalidate ${cachedMethod}: ${problem}`);
  }
}

/** `invalidate()` or `refresh()` was given a function that did not call any cached method. */
export class NothingCapturedError extends CachetError {
  declare readonly code: 'E_NOTHING_CAPTURED';

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
  declare readonly code: 'E_DISPOSED';

  constructor(operation: string) {
    super('E_DISPOSED', `Cannot ${operation}: this CachingService was disposed. Create a new one instead.`);
  }
}

/** The synchronization transport could not connect, or a publish failed after every retry. */
export class SynchronizationError extends CachetError {
  declare readonly code: 'E_SYNC_CONNECT' | 'E_SYNC_PUBLISH' | 'E_SYNC_STALLED';

  /** The transport's name, such as `redis`. */
  readonly transport: string;

  constructor(code: 'E_SYNC_CONNECT' | 'E_SYNC_PUBLISH' | 'E_SYNC_STALLED', transport: string, message: string, options?: { cause?: unknown }) {
    super(code, `[${transport}] ${message}`, options);
    this.transport = transport;
  }
}

/**
 * A cached result the second level's serializer cannot carry faithfully (a class instance, whose prototype
 * would be lost; a function; a symbol): the caller still gets it, and it stays in the first level only.
 * Reported with an `error` event, never thrown to callers.
 */
export class UnserializableValueError extends CachetError {
  declare readonly code: 'E_UNSERIALIZABLE';

  /** What could not be serialized: a class name (`Product`), `function` or `symbol`. */
  readonly valueType: string;

  /** @param where what was being stored: `the result of Catalogue.getProduct`, say. */
  constructor(valueType: string, where: string, options?: { cause?: unknown }) {
    super(
      'E_UNSERIALIZABLE',
      `Cannot store ${where} in the second level: it holds ${valueType === 'function' || valueType === 'symbol' ? `a ${valueType}` : `an instance of ${valueType}`}, ` +
        'which the serializer cannot round-trip faithfully, so it is kept in memory only. Give the l2 a serializer that knows the type, ' +
        'return plain data, or keep the method out of the second level with `l2: false`.',
      options,
    );
    this.valueType = valueType;
  }
}

/**
 * Every error class of `@cachet/core`, by code: `error instanceof errors.E_CACHE_KEY`. Both
 * synchronization codes (`E_SYNC_CONNECT`, `E_SYNC_PUBLISH`, `E_SYNC_STALLED`) map to {@link SynchronizationError}. Each
 * class is also exported by name.
 */
export const errors = {
  E_CACHE_KEY: CacheKeyError,
  E_CONFIGURATION: CacheConfigurationError,
  E_UNKNOWN_PROFILE: UnknownProfileError,
  E_DECORATOR_USAGE: DecoratorUsageError,
  E_INVALIDATE_MAPPING: InvalidateCacheMappingError,
  E_NOTHING_CAPTURED: NothingCapturedError,
  E_DISPOSED: ServiceDisposedError,
  E_SYNC_CONNECT: SynchronizationError,
  E_SYNC_PUBLISH: SynchronizationError,
  E_SYNC_STALLED: SynchronizationError,
  E_UNSERIALIZABLE: UnserializableValueError,
} as const;

/** The instances of {@link errors}, by code: core's entries of {@link CachetErrorCodes}. */
type CoreErrorClasses = { readonly [Code in keyof typeof errors]: InstanceType<(typeof errors)[Code]> };

/**
 * How an option's value reads in a configuration error: `"text"`, `42`, `null`, `an array`, or `a value of
 * type object`. For transports that validate their own options, as core does.
 */
export function describeOptionValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number') return String(value);
  return `a value of type ${typeof value}`;
}

/**
 * A duration option: `fallback` when it is not given, the value when it is a positive whole number of
 * milliseconds.
 * @throws the error `invalid` makes of the problem, otherwise (a transport's own option error, naming the option).
 */
export function positiveMilliseconds(value: unknown, fallback: number, invalid: (problem: string) => Error): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalid(`expected a positive whole number of milliseconds, but got ${describeOptionValue(value)}.`);
  }
  return value;
}
