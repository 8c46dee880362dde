import type { CacheBackend } from '../backends/cache-backend';
import { MemoryBackend } from '../backends/memory-backend';
import { CacheConfigurationError } from '../errors';
import { DefaultKeyBuilder } from '../keys/default-key-builder';
import type { KeyBuilder } from '../keys/key-builder';
import { type ResolvedSynchronizationOptions, resolveSynchronizationOptions, type SynchronizationOptions } from '../sync/synchronization-options';
import type { SynchronizationTransport } from '../sync/transport';
import { realScheduler, type Scheduler } from '../sync/scheduler';
import { type ExpirationOptions, validateExpiration } from './expiration-options';
import { type ResilienceOptions, resolveResilience, validateResilienceOptions } from './resilience-options';

/** The switches of a {@link CachingProfile}, besides its expiration. */
export interface CachingProfileSwitches {
  /** `false` turns caching off for every method of the profile (they run uncached). @default true */
  readonly enabled?: boolean;
  /** Store and hand out `structuredClone`s instead of references. Costs a clone per store and per hit. @default false */
  readonly clone?: boolean;
}

/**
 * Defaults shared by the cached methods that name a profile: switches, an expiration (`ttl` or
 * `slidingExpiration`, not both: see {@link ExpirationOptions}) and resilience ({@link ResilienceOptions}).
 */
export type CachingProfile = CachingProfileSwitches & ExpirationOptions & ResilienceOptions;

/** Options of {@link CachingService.create}; every one has a default, so `create({})` works. */
export interface CachingServiceOptions {
  /** The local store. @default new MemoryBackend() (10,000 entries) */
  readonly backend?: CacheBackend;
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
  for (const flag of ['enabled', 'clone'] as const) {
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
    ttl,
    slidingExpiration,
    resilience: { failSafe, timeout, eagerRefresh, autoReload },
  };
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
  const backend = options.backend ?? new MemoryBackend();
  if (typeof backend.get !== 'function' || typeof backend.set !== 'function' || typeof backend.invalidate !== 'function') {
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
  return {
    backend,
    profiles,
    synchronization: options.synchronization === undefined ? undefined : resolveSynchronizationOptions(options.synchronization),
    keyBuilder,
    namespace,
    scheduler,
    capacity: backend.capacity,
  };
}
