import type { SecondLevelCache } from '../backends/second-level-cache';
import { CacheConfigurationError, describeOptionValue } from '../errors';
import { realScheduler, type Scheduler } from '../sync/scheduler';
import { type CacheSerializer, V8Serializer } from './value-serializer';

/** The second level with its settings; pass a bare store to `CachingService.create({ l2 })` for every default. */
export interface SecondLevelOptions {
  /**
   * The shared store: `new RedisL2({...})` from `@cachet/redis`, or a factory that creates one for each
   * service (`() => new RedisL2({...})`): the form for options shared by several services, such as those of
   * a framework module built into several applications. A store instance serves one service at a time.
   */
  readonly store: SecondLevelCache | (() => SecondLevelCache);
  /**
   * Turns values into bytes and back.
   * @default new V8Serializer(): v8's structured serialization, refusing class instances and functions
   */
  readonly serializer?: CacheSerializer;
  /**
   * Invalidations that could not reach the store (it was down, or the call failed) wait to be replayed,
   * before the store is used again; beyond this many distinct keys and tags they become one clear of the
   * store.
   * @default 10000
   */
  readonly maxPendingInvalidations?: number;
  /** The clock and timers of retries of those invalidations: inject one in tests. @default Node's timers */
  readonly scheduler?: Scheduler;
}

/** {@link SecondLevelOptions} validated, with every default filled in. */
export interface ResolvedSecondLevelOptions {
  readonly store: SecondLevelCache;
  readonly serializer: CacheSerializer;
  readonly maxPendingInvalidations: number;
  readonly scheduler: Scheduler;
}

const STORE_METHODS = ['open', 'get', 'set', 'invalidate', 'clear', 'close'] as const;

function isStore(value: unknown): value is SecondLevelCache {
  return typeof value === 'object' && value !== null && STORE_METHODS.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

/** The store a factory returns; what it throws becomes a configuration error. */
function createStore(factory: () => SecondLevelCache): unknown {
  try {
    return factory();
  } catch (error) {
    throw new CacheConfigurationError('l2.store', `the store factory threw (${String(error)}).`, { cause: error });
  }
}

/**
 * Validates the `l2` option once, at construction.
 * @throws {@link CacheConfigurationError} naming the invalid option.
 */
export function resolveSecondLevelOptions(l2: SecondLevelCache | (() => SecondLevelCache) | SecondLevelOptions): ResolvedSecondLevelOptions {
  const expected = `expected a SecondLevelCache (${STORE_METHODS.join(', ')}) such as new RedisL2({...}), or a function that returns one`;
  if (typeof l2 === 'function') return resolveSecondLevelOptions({ store: l2 });
  if (typeof l2 !== 'object' || l2 === null) throw new CacheConfigurationError('l2', `${expected}, or { store, ...options }, got ${describeOptionValue(l2)}.`);
  const options: SecondLevelOptions = isStore(l2) ? { store: l2 } : l2;
  const store = typeof options.store === 'function' ? createStore(options.store) : options.store;
  if (!isStore(store)) throw new CacheConfigurationError('l2.store', `${expected}, got ${describeOptionValue(store)}.`);
  const serializer = options.serializer ?? new V8Serializer();
  if (typeof serializer.serialize !== 'function' || typeof serializer.deserialize !== 'function') {
    throw new CacheConfigurationError('l2.serializer', 'expected a CacheSerializer (serialize and deserialize).');
  }
  const maxPendingInvalidations = options.maxPendingInvalidations ?? 10_000;
  if (!Number.isInteger(maxPendingInvalidations) || maxPendingInvalidations <= 0) {
    throw new CacheConfigurationError('l2.maxPendingInvalidations', `expected a positive integer, got ${describeOptionValue(maxPendingInvalidations)}.`);
  }
  return { store, serializer, maxPendingInvalidations, scheduler: options.scheduler ?? realScheduler };
}
