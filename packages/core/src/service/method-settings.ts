import type { EntryOptions } from '../backends/cache-backend';
import { CacheConfigurationError, UnknownProfileError } from '../errors';
import type { MethodKeyFunction } from '../keys/key-builder';
import type { ResolvedCachingServiceOptions, ResolvedProfile } from './caching-service-options';
import { type ExpirationOptions, validateExpiration } from './expiration-options';
import type { EventOrigin } from './events';
import type { CachedMethodDefinition } from './method-handle';
import { type Resilience, type ResilienceOptions, resolveResilience, validateResilienceOptions } from './resilience-options';

/** Everything a service needs to serve one cached method (or one `getOrSet` call), resolved once. */
export interface CacheSettings {
  readonly enabled: boolean;
  readonly clone: boolean;
  /** Whether results go to the second level too (when the service has one). */
  readonly l2: boolean;
  /** Expiration of stored entries. */
  readonly entry: Pick<EntryOptions, 'ttl' | 'slidingExpiration'>;
  /** Whether hits restart the entry's lifetime. */
  readonly sliding: boolean;
  /** Tags of a result, from the call's arguments. */
  readonly tags: ((...args: unknown[]) => readonly string[]) | undefined;
  /** Fail-safe, timeouts, eager refresh, auto-reload; `undefined` when none is on (the plain hit path). */
  readonly resilience: Resilience | undefined;
  /** What the events of these calls name as their origin: the service, the method and the profile. */
  readonly origin: EventOrigin;
}

/** {@link CacheSettings} of a cached method, with its compiled key function. */
export interface MethodSettings extends CacheSettings {
  readonly key: MethodKeyFunction;
}

/** Options that choose settings: a profile, overridden by explicit values. */
export type SettingsRequest = ExpirationOptions & ResilienceOptions & {
  readonly profile?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly clone?: boolean | undefined;
  readonly l2?: boolean | undefined;
};

function profileOf(options: ResolvedCachingServiceOptions, name: string, usedBy: string): ResolvedProfile {
  const profile = options.profiles.get(name);
  if (profile === undefined) throw new UnknownProfileError(name, usedBy, [...options.profiles.keys()]);
  return profile;
}

/** Merges a request with its profile. Explicit expiration replaces the profile's expiration as a whole. */
export function resolveSettings(
  options: ResolvedCachingServiceOptions,
  request: SettingsRequest,
  tags: CacheSettings['tags'],
  usedBy: string,
  origin: Omit<EventOrigin, 'profile'>,
  /** Where the request's options were written, for configuration errors. */
  optionPath = usedBy,
): CacheSettings {
  const profileName = request.profile ?? 'default';
  const profile = profileOf(options, profileName, usedBy);
  const explicit = request.ttl !== undefined || request.slidingExpiration !== undefined;
  const slidingExpiration = (explicit ? request.slidingExpiration : profile.slidingExpiration) || undefined;
  const ttl = (explicit ? request.ttl : profile.ttl) || undefined;
  return {
    enabled: request.enabled ?? profile.enabled,
    clone: request.clone ?? profile.clone,
    l2: request.l2 ?? profile.l2,
    entry: { ttl, slidingExpiration },
    sliding: slidingExpiration !== undefined,
    tags,
    resilience: resolveResilience(optionPath, request, profile.resilience, { ttl, slidingExpiration }, options.backend),
    origin: { ...origin, profile: profileName },
  };
}

/** Settings of a cached method on one service. */
export function resolveMethodSettings(options: ResolvedCachingServiceOptions, method: CachedMethodDefinition, thisArg: unknown, service: EventOrigin): MethodSettings {
  const descriptor = method.describe(thisArg);
  const { className, methodName } = descriptor;
  const usedBy = `@Cache() on ${className}.${methodName}`;
  const settings = resolveSettings(options, method.options, method.options.tags as CacheSettings['tags'], usedBy, { ...service, className, methodName });
  return { ...settings, key: options.keyBuilder.compileMethodKey(descriptor, options) };
}

/** Settings of a `getOrSet` call, checked like the decorator's. */
export function resolveCallSettings(options: ResolvedCachingServiceOptions, request: SettingsRequest & { readonly tags?: readonly string[] }, service: EventOrigin): CacheSettings {
  validateExpiration('getOrSet() options', request);
  validateResilienceOptions('getOrSet() options', request);
  const tags = request.tags;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))) {
    throw new CacheConfigurationError('getOrSet() options.tags', 'expected an array of strings.');
  }
  return resolveSettings(options, request, tags === undefined ? undefined : () => tags, 'getOrSet()', service, 'getOrSet() options');
}
