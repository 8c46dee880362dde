/** What a key builder knows of one cached method, fixed when the decorator is applied. */
export interface MethodKeyDescriptor {
  /** Name of the class that declares the method (for a static method, the class itself). */
  readonly className: string;
  readonly methodName: string;
  /** Parameter names read from the function's source; `undefined` where a parameter has none (destructuring). */
  readonly parameterNames: readonly (string | undefined)[];
  /** Positions of the arguments that form the key, ascending (arguments excluded by `@NotCacheKey` are left out). */
  readonly keyParameterIndexes: readonly number[];
  /** Position of a rest parameter: its key item is the array of every argument from there on. */
  readonly restParameterIndex?: number | undefined;
  /** Whether the method is static (then `this` is the class and never part of the key). */
  readonly isStatic: boolean;
  /**
   * A custom key function from `@Cache({ key })`: its result, encoded like an argument, replaces the key
   * arguments.
   */
  readonly customKey?: ((...args: unknown[]) => unknown) | undefined;
}

/** Builds the key of one call from `this` and the arguments. Must be pure and fast: it runs on every call. */
export type MethodKeyFunction = (thisArg: unknown, args: ArrayLike<unknown>) => string;

/** Settings of a caching service that every key depends on. */
export interface KeyContext {
  /** Prefix that isolates this service's keys (and its bus messages) from other applications. */
  readonly namespace: string;
  /**
   * The most entries the service's backend holds (`CacheBackend.capacity`), if it says: what a key
   * builder remembers per service is worth no more than that.
   */
  readonly capacity?: number | undefined;
}

/**
 * Turns calls into cache keys. Replace it with `CachingService.create({ keyBuilder })`.
 *
 * Keys must be equal exactly when two calls must share a result: same namespace, class, method and
 * key-argument values.
 */
export interface KeyBuilder {
  /**
   * Compiles, once per cached method and service, the function that builds that method's keys. The
   * returned function throws {@link CacheKeyError} for arguments that cannot be keyed.
   */
  compileMethodKey(method: MethodKeyDescriptor, context: KeyContext): MethodKeyFunction;
  /**
   * The key of an object used as a cache dependency (a `@CacheKey` entity, for instance), so that
   * invalidating the object reaches every result that depends on it.
   */
  objectKey(value: object, context: KeyContext): string;
}
