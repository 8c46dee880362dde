import type { Attributes } from '@opentelemetry/api';
import type { EventOrigin } from '@cachet/core';

/**
 * The attribute names this package records. `cache.request.type` follows .NET's `cache.requests`
 * precedent (there are no OpenTelemetry semantic conventions for caches yet); the rest are cachet's own.
 * No attribute ever holds a key or an argument value.
 */
export const ATTRIBUTES = {
  requestType: 'cache.request.type',
  namespace: 'cachet.namespace',
  className: 'cachet.class',
  methodName: 'cachet.method',
  profile: 'cachet.profile',
  loadCause: 'cachet.load.cause',
  fenced: 'cachet.load.fenced',
  evictionReason: 'cachet.eviction.reason',
  invalidationSource: 'cachet.invalidation.source',
  invalidationKind: 'cachet.invalidation.kind',
  removed: 'cachet.invalidation.removed',
  transport: 'cachet.transport',
  messageKind: 'cachet.message.kind',
  dropReason: 'cachet.drop.reason',
  gapReason: 'cachet.gap.reason',
  errorType: 'error.type',
} as const;

/** Attributes by origin: one object per service and method, built on first use. */
const byOrigin = new WeakMap<EventOrigin, Attributes>();

/** The namespace, class, method and profile of an event's origin (those that are defined). */
export function originAttributes(origin: EventOrigin): Attributes {
  let attributes = byOrigin.get(origin);
  if (attributes === undefined) {
    attributes = { [ATTRIBUTES.namespace]: origin.namespace };
    if (origin.className !== undefined) attributes[ATTRIBUTES.className] = origin.className;
    if (origin.methodName !== undefined) attributes[ATTRIBUTES.methodName] = origin.methodName;
    if (origin.profile !== undefined) attributes[ATTRIBUTES.profile] = origin.profile;
    byOrigin.set(origin, attributes);
  }
  return attributes;
}

/** An origin's attributes with some more: `{ ...originAttributes(origin), ...extra }`. */
export function withOrigin(origin: EventOrigin, extra: Attributes): Attributes {
  return { ...originAttributes(origin), ...extra };
}

/** A low-cardinality name for what was thrown: its constructor's name, never its message. */
export function errorType(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}
