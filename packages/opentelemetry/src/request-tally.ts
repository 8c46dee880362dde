import type { Attributes } from '@opentelemetry/api';
import type { EventOrigin } from '@cachet/core';
import { ATTRIBUTES, withOrigin } from './attributes';

/** What a request was: a hit, a miss, or (with resilience options) an expired value served. */
export type RequestType = 'hit' | 'miss' | 'stale';

interface Count {
  readonly attributes: Attributes;
  value: number;
}

/**
 * Running totals of requests by origin and type, read by the `cache.requests` observable counter at
 * collection time: a hit costs a map lookup and an increment, not an SDK call that hashes attributes.
 * (.NET's `cache.requests` is an observable counter over running totals too.)
 */
export class RequestTally {
  /** Totals by origin object: the fast path, one object per cached method. */
  private readonly byOrigin = new WeakMap<EventOrigin, Partial<Record<RequestType, Count>>>();
  /** Totals by what they are reported under: origins with equal names (a `getOrSet` call's) share them. */
  private readonly byAttributes = new Map<string, Count>();

  add(origin: EventOrigin, type: RequestType): void {
    let counts = this.byOrigin.get(origin);
    if (counts === undefined) this.byOrigin.set(origin, (counts = {}));
    (counts[type] ??= this.shared(origin, type)).value++;
  }

  /** Reports every total. */
  forEach(visit: (value: number, attributes: Attributes) => void): void {
    for (const count of this.byAttributes.values()) visit(count.value, count.attributes);
  }

  private shared(origin: EventOrigin, type: RequestType): Count {
    const attributes = withOrigin(origin, { [ATTRIBUTES.requestType]: type });
    const name = JSON.stringify(Object.entries(attributes));
    let count = this.byAttributes.get(name);
    if (count === undefined) this.byAttributes.set(name, (count = { attributes, value: 0 }));
    return count;
  }
}
