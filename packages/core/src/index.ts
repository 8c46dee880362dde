// The public API of @cachet/core: named exports only.
export { Cache } from './decorators/cache';
export type { CacheMethodOptions, CacheOptions } from './decorators/cache-options';
export { CacheKey, type MemberDecorator } from './decorators/cache-key';
export {
  type CheckedInvalidateCache,
  InvalidateCache,
  type InvalidateCacheDecorator,
  type InvalidationMapping, type InvalidationTags, type InvalidationTarget } from './decorators/invalidate-cache';
export type { MethodDecorator } from './decorators/method-decoration';
export { NotCacheKey } from './decorators/not-cache-key';

export { CachingContext } from './service/caching-context';
export { CachingService, DEFAULT_SERVICE_WARNING, type GetOrSetOptions } from './service/caching-service';
export type { CachingProfile, CachingProfileSwitches, CachingServiceOptions } from './service/caching-service-options';
export type { AbsoluteExpiration, ExpirationOptions, SlidingExpiration } from './service/expiration-options';
export type { FailSafeOptions, ResilienceOptions, TimeoutOptions } from './service/resilience-options';
export type { BackgroundOrigin, ResilienceEventBase, ResilienceEvents, ResilienceStats, StaleReason } from './service/resilience-events';
export type { SecondLevelEvents } from './service/second-level-events';
export { type CachingEventListener, type CachingEvents, diagnosticsChannelNames, type EventOrigin } from './service/events';
export { LOAD_TRACING_CHANNEL, type LoadContext } from './service/load-tracing';
export type { CachingStats, SecondLevelStats } from './service/stats';
export type { SecondLevelOptions } from './service/second-level-options';
export { type CacheSerializer, V8Serializer } from './service/value-serializer';

export { type CacheBackend, type EntryOptions, type EntryProbe, type EvictionReason, MISS, VersionedValue } from './backends/cache-backend';
export { MemoryBackend, type MemoryBackendOptions } from './backends/memory-backend';
export type {
  SecondLevelCache,
  SecondLevelContext,
  SecondLevelEntry,
  SecondLevelHit,
  SecondLevelListener,
  SecondLevelMiss,
  SecondLevelRead,
  VersionStamp,
} from './backends/second-level-cache';

export { DefaultKeyBuilder, type DefaultKeyBuilderOptions } from './keys/default-key-builder';
export type { KeyBuilder, KeyContext, MethodKeyDescriptor, MethodKeyFunction } from './keys/key-builder';

export type { DropReason, Envelope, Invalidation } from './sync/envelope';
export { type DecodeResult, decodeEnvelope } from './sync/envelope-codec';
export { InProcessSynchronization } from './sync/in-process-synchronization';
export type { Scheduler, TimerHandle } from './sync/scheduler';
export type { GapReason, SynchronizationEvents, SynchronizationStats } from './sync/synchronization-events';
export type { DisconnectedPolicy, SynchronizationOptions } from './sync/synchronization-options';
export type { SynchronizationTransport, TransportConnection, TransportListener } from './sync/transport';
export { PUBLISH_TRACING_CHANNEL, type PublishContext } from './sync/tracing-channels';

export {
  CacheConfigurationError,
  CacheKeyError,
  CacheLoadTimeoutError,
  CachetError,
  describeOptionValue,
  type CachetErrorCode,
  type CachetErrorCodes,
  DecoratorUsageError,
  errors,
  InvalidateCacheMappingError,
  type KeyArgumentLocation,
  NothingCapturedError,
  positiveMilliseconds,
  ServiceDisposedError,
  SynchronizationError,
  UnknownProfileError,
  UnserializableValueError,
} from './errors';
