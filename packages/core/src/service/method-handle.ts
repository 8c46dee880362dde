import type { MethodKeyDescriptor } from '../keys/key-builder';
import type { MethodSettings, SettingsRequest } from './method-settings';

/** What a caching service needs to know of a cached method; the decorator that defines the method provides it. */
export interface CachedMethodDefinition {
  /** The undecorated method. */
  readonly original: (this: unknown, ...args: never[]) => unknown;
  /** `Class.method`, for messages; the class may be unknown until the first call. */
  readonly displayName: string;
  /** What the method was declared with: profile, expiration, switches, and the tags of its results. */
  readonly options: SettingsRequest & { tags?(...args: never[]): readonly string[] };
  /** Whether the declaring class is known, so that {@link CachedMethodDefinition.describe} is final. */
  readonly isResolved: boolean;
  /** What the key builder needs, learning the declaring class from `thisArg` when it is not known yet. */
  describe(thisArg: unknown): MethodKeyDescriptor;
}

/**
 * The services' slot for one cached method: created once, when the decorator is applied, and handed back
 * on every call. What a service learns about the method lives here, typed, rather than on the decorator's
 * objects.
 */
export class MethodHandle {
  /** `true` once the method returned a promise, `false` once it returned anything else. */
  returnsPromise: boolean | undefined = undefined;
  /**
   * The service whose settings {@link MethodHandle.settings} holds: a one-entry cache, so that a hit on
   * the usual single service resolves nothing. Written by that service only.
   */
  settingsOwner: object | undefined = undefined;
  /** The settings of {@link MethodHandle.settingsOwner}. */
  settings: MethodSettings | undefined = undefined;

  constructor(readonly definition: CachedMethodDefinition) {}
}

/** How messages and events name a call: `Class.method`, or `getOrSet()` when there is no method. */
export function callName(method: MethodHandle | undefined): string {
  return method?.definition.displayName ?? 'getOrSet()';
}
