import type { Attributes } from '@opentelemetry/api';
import type { CachingService, EventOrigin } from '@cachet/core';
import { ATTRIBUTES } from './attributes';

/**
 * The caching services seen in events since instrumentation began, for the observable instruments
 * (entries, link state). Held weakly: a service the application drops is forgotten.
 */
export class ServiceRegistry {
  private readonly seen = new WeakSet<CachingService>();
  private readonly services = new Map<WeakRef<CachingService>, Attributes>();

  /** Remembers the service of an event's origin. */
  readonly note = (origin: EventOrigin): void => {
    if (this.seen.has(origin.service)) return;
    this.seen.add(origin.service);
    this.services.set(new WeakRef(origin.service), { [ATTRIBUTES.namespace]: origin.namespace });
  };

  /**
   * A figure of the live services, combined per namespace: `read` each (`undefined` to leave one out), then
   * `combine` those of one namespace.
   * @returns the namespace's attributes and its combined figure, for each namespace with one.
   */
  byNamespace(read: (service: CachingService) => number | undefined, combine: (a: number, b: number) => number): Map<Attributes, number> {
    const figures = new Map<string, [Attributes, number]>();
    for (const [reference, attributes] of this.services) {
      const service = reference.deref();
      if (service === undefined) {
        this.services.delete(reference);
        continue;
      }
      const figure = read(service);
      if (figure === undefined) continue;
      const namespace = String(attributes[ATTRIBUTES.namespace]);
      const previous = figures.get(namespace);
      figures.set(namespace, [attributes, previous === undefined ? figure : combine(previous[1], figure)]);
    }
    return new Map(figures.values());
  }
}
