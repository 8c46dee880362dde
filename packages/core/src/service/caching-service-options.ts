import type { CacheBackend } from '../backends/cache-backend';
import type { SecondLevelCache } from '../backends/second-level-cache';
import { MemoryBackend } from '../backends/memory-backend';
import { CacheConfigurationError } from '../errors';
import { DefaultKeyBuilder } from '../keys/default-key-builder';
import type { KeyBuilder } from '../keys/key-builder';
import { type ResolvedSynchronizationOptions, resolveSynchronizationOptions, type SynchronizationOptions } from '../sync/synchronization-options';
import type { SynchronizationTransport } from '../sync/transport';
import { realScheduler, type Scheduler } from '../sync/scheduler';
import { type ExpirationOptions, validateExpiration } from './expiration-options';
import { type ResilienceOptions, resolveResilience, validateResilienceOptions } from './resilience-options';
import { type ResolvedSecondLevelOptions, resolveSecondLevelOptions, type SecondLevelOptions } from './second-level-options';

/** The switches of a {@link CachingProfile}, besides its expiration. */
export interface CachingProfileSwitches {
  /** `false` turns caching off for every method of the profile (they run uncached). @default true */
  readonly enabled?: boolean;
  /** Store and hand out `structuredClone`s instead of references. Costs a clone per store and per hit. @default false */
  readonly clone?: boolean;
  /**
   * `false` keeps the profile's methods out of the second level (`CachingService.create({ l2 })`): their
   * results stay in this instance's memory. No effect without an `l2`.
   * @default true
   */
  readonly l2?: boolean;
}

/**
 * Defaults shared by the cached methods that name a profile: switches, an expiration (`ttl` or
 * `slidingExpiration`, not both: see {@link ExpirationOptions}) and resilience ({@link ResilienceOptions}).
 */
export type CachingProfile = CachingProfileSwitches & ExpirationOptions & ResilienceOptions;

/** Options of {@link CachingService.create}; every one has a default, so `create({})` works. */
export interface CachingServiceOptions {
  /**
   * The local store, or a factory that creates one for each service (`() => new MemoryBackend({...})`):
   * the form for options shared by several services, such as those of a framework module built into
   * several applications. A backend instance serves one service at a time: two services given the same one
   * would share entries, so the second is refused until the first is disposed.
   * @default new MemoryBackend() (10,000 entries)
   * @throws {@link CacheConfigurationError} (`backend`) when the instance already serves a service that is not disposed.
   */
  readonly backend?: CacheBackend | (() => CacheBackend);
  /**
   * Named profiles that `@Cache({ profile })` refers to. `default` always exists (no expiration, enabled)
   * and can be overridden here.
   */
  readonly profiles?: Readonly<Record<string, CachingProfile>>;
  /**
   * Keeps this instance's cache coherent with other instances: a transport (`new InProcessSynchronization()`,
   * `new RedisSynchronization({...})`, …), or `{ transport, ...engine options }`.
   * @default none: the cache is local only
   */
  readonly synchronization?: SynchronizationTransport | SynchronizationOptions;
  /**
   * A shared second level under the memory cache (L1 + L2): `new RedisL2({...})`, a factory that creates one
   * for each service (`() => new RedisL2({...})`, the form for options shared by several services), or
   * `{ store, ...options }`. A store instance serves one service at a time, as a backend does. An L1 miss of a method that returns a promise reads it before the method runs, and a load writes both
   * levels; synchronous methods stay in memory. When the store offers a bus of its own
   * ({@link SecondLevelCache.synchronization}) and no `synchronization` is given, that bus keeps the memory
   * caches coherent. See {@link SecondLevelOptions}.
   * @default none: memory only
   * @throws {@link CacheConfigurationError} (`l2`) when the store instance already serves a service that is not disposed.
   */
  readonly l2?: SecondLevelCache | (() => SecondLevelCache) | SecondLevelOptions;
  /** Turns calls into keys. @default new DefaultKeyBuilder() */
  readonly keyBuilder?: KeyBuilder;
  /**
   * Prefix of every key and the scope of bus messages: services with different namespaces ignore each
   * other's invalidations, even on a shared channel.
   * @default 'cachet'
   */
  readonly namespace?: string;
  /**
   * The clock and timers of the resilience options (timeouts, auto-reload, fail-safe throttle). Inject one
   * in tests (`ManualScheduler` from `@cachet/core/testing`), with the same clock in the backend
   * (`new MemoryBackend({ clock: () => scheduler.now() })`).
   * @default Node's timers (unref'd) and `performance.now()`
   */
  readonly scheduler?: Scheduler;
}

/** A profile with its defaults filled in. */
export interface ResolvedProfile {
  readonly enabled: boolean;
  readonly clone: boolean;
  readonly l2: boolean;
  readonly ttl: number | undefined;
  readonly slidingExpiration: number | undefined;
  /** The profile's resilience options, checked. */
  readonly resilience: ResilienceOptions;
}

/** {@link CachingServiceOptions} validated, with every default filled in. */
export interface ResolvedCachingServiceOptions {
  readonly backend: CacheBackend;
  readonly profiles: ReadonlyMap<string, ResolvedProfile>;
  readonly synchronization: ResolvedSynchronizationOptions | undefined;
  readonly l2: ResolvedSecondLevelOptions | undefined;
  readonly keyBuilder: KeyBuilder;
  readonly namespace: string;
  readonly scheduler: Scheduler;
  /** The backend's {@link CacheBackend.capacity}: these options are the key builder's `KeyContext`. */
  readonly capacity: number | undefined;
}

function resolveProfile(name: string, profile: CachingProfile, backend: CacheBackend): ResolvedProfile {
  if (typeof profile !== 'object' || profile === null) {
    throw new CacheConfigurationError(`profiles.${name}`, 'expected an object such as { ttl: 60_000 }.');
  }
  validateExpiration(`profiles.${name}`, profile);
  for (const flag of ['enabled', 'clone', 'l2'] as const) {
    if (profile[flag] !== undefined && typeof profile[flag] !== 'boolean') {
      throw new CacheConfigurationError(`profiles.${name}.${flag}`, `expected true or false, got ${String(profile[flag])}.`);
    }
  }
  const ttl = profile.ttl || undefined;
  const slidingExpiration = profile.slidingExpiration || undefined;
  validateResilienceOptions(`profiles.${name}`, profile);
  // Checked here, against the profile's own expiration, so that a bad profile fails at construction.
  resolveResilience(`profiles.${name}`, profile, {}, { ttl, slidingExpiration }, backend);
  const { failSafe, timeout, eagerRefresh, autoReload } = profile;
  return {
    enabled: profile.enabled ?? true,
    clone: profile.clone ?? false,
    l2: profile.l2 ?? true,
    ttl,
    slidingExpiration,
    resilience: { failSafe, timeout, eagerRefresh, autoReload },
  };
}

/** Backends and second-level stores that serve a service not yet disposed. */
const claimed = new WeakSet<object>();

/** The backend the options give: the instance, or what the factory returns. */
function createBackend(option: CachingServiceOptions['backend']): CacheBackend {
  if (typeof option !== 'function') return option ?? new MemoryBackend();
  try {
    return option();
  } catch (error) {
    throw new CacheConfigurationError('backend', `the backend factory threw (${String(error)}); pass a function such as () => new MemoryBackend().`, { cause: error });
  }
}

/**
 * Makes `instance` (a backend or a second-level store) serve one service: two services on one instance
 * would share its entries (and a store's connection, which the first to be disposed closes).
 */
function claim(option: string, instance: object, factory: string): void {
  if (claimed.has(instance)) {
    throw new CacheConfigurationError(
      option,
      `this ${option} instance already serves another CachingService that is not disposed, and two services on one would share ` +
        `${option === 'backend' ? 'entries' : 'its connection and its state'}. Pass a factory, \`${option}: ${factory}\`, which each service calls for its own, ` +
        'or dispose the other service first.',
    );
  }
}

/** Lets a disposed service's backend and second-level store serve another service. */
export function releaseForOtherServices(options: ResolvedCachingServiceOptions): void {
  claimed.delete(options.backend);
  if (options.l2 !== undefined) claimed.delete(options.l2.store);
}

/** Validates the options once, at construction, and fills in the defaults. */
export function resolveCachingServiceOptions(options: CachingServiceOptions): ResolvedCachingServiceOptions {
  if (typeof options !== 'object' || options === null) {
    throw new CacheConfigurationError('options', 'expected an object; pass {} for every default.');
  }
  const namespace = options.namespace ?? 'cachet';
  if (typeof namespace !== 'string' || namespace.length === 0 || namespace.includes(':')) {
    throw new CacheConfigurationError('namespace', `expected a non-empty string without ':', got ${JSON.stringify(namespace)}.`);
  }
  const backend = createBackend(options.backend);
  if (typeof backend !== 'object' || backend === null || typeof backend.get !== 'function' || typeof backend.set !== 'function' || typeof backend.invalidate !== 'function') {
    throw new CacheConfigurationError('backend', 'expected a CacheBackend such as new MemoryBackend().');
  }
  const keyBuilder = options.keyBuilder ?? new DefaultKeyBuilder();
  if (typeof keyBuilder.compileMethodKey !== 'function' || typeof keyBuilder.objectKey !== 'function') {
    throw new CacheConfigurationError('keyBuilder', 'expected a KeyBuilder (compileMethodKey and objectKey).');
  }
  const scheduler = options.scheduler ?? realScheduler;
  if (typeof scheduler.now !== 'function' || typeof scheduler.setTimeout !== 'function' || typeof scheduler.clearTimeout !== 'function') {
    throw new CacheConfigurationError('scheduler', 'expected a Scheduler (now, setTimeout and clearTimeout).');
  }
  const profiles = new Map<string, ResolvedProfile>([['default', resolveProfile('default', {}, backend)]]);
  for (const [name, profile] of Object.entries(options.profiles ?? {})) profiles.set(name, resolveProfile(name, profile, backend));
  const l2 = options.l2 === undefined ? undefined : resolveSecondLevelOptions(options.l2);
  // An explicit synchronization takes the place of the store's own bus, which is then never connected.
  const synchronizationOption = options.synchronization ?? l2?.store.synchronization;
  const synchronization = synchronizationOption === undefined ? undefined : resolveSynchronizationOptions(synchronizationOption);
  // Claimed last, once every option is valid: a service that fails to construct claims nothing.
  claim('backend', backend, '() => new MemoryBackend()');
  if (l2 !== undefined) claim('l2', l2.store, '() => new RedisL2({ ... })');
  claimed.add(backend);
  if (l2 !== undefined) claimed.add(l2.store);
  return {
    backend,
    profiles,
    synchronization,
    l2,
    keyBuilder,
    namespace,
    scheduler,
    capacity: backend.capacity,
  };
}
