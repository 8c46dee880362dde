import { CachingService, type CachingEvents, type SynchronizationOptions, type SynchronizationTransport } from '@cachet/core';
import { Inventory } from './inventory';
import { EVENT_TIMEOUT_MS, waitFor } from './wait-for';

/** One app instance in a test: its caching service and its own Inventory object bound to it. */
export interface Instance {
  readonly service: CachingService;
  readonly inventory: Inventory;
}

/** How a service-level test gets the transport of its `index`-th instance (any transport package). */
export type InstanceTransport = (index: number) => SynchronizationTransport;

const started: CachingService[] = [];

/**
 * Starts `count` caching services, each synchronized over `transport(i)` and with its own Inventory over
 * `store`, and resolves once every one is initialized.
 */
export async function startServices(
  count: number,
  store: Map<string, number>,
  transport: InstanceTransport,
  options: { namespace?: string; sync?: Omit<SynchronizationOptions, 'transport'> } = {},
): Promise<Instance[]> {
  const instances = Array.from({ length: count }, (_, i) => {
    const service = CachingService.create({ namespace: options.namespace ?? 'inventory', synchronization: { transport: transport(i), ...options.sync } });
    started.push(service);
    return { service, inventory: service.bind(new Inventory(store)) };
  });
  await Promise.all(instances.map(({ service }) => service.initialize()));
  return instances;
}

/** Disposes every service started so far; call it in `afterEach`. */
export async function disposeInstances(): Promise<void> {
  await Promise.all(started.splice(0).map((service) => service.dispose()));
}

/** Reads `sku` on every instance so each caches it. */
export async function warm(instances: readonly Instance[], sku: string): Promise<void> {
  for (const { inventory } of instances) await inventory.stock(sku);
}

/** Resolves with the next `name` event of `service` that matches `predicate`; fails after a timeout. */
export function nextEvent<E extends keyof CachingEvents>(
  service: CachingService,
  name: E,
  predicate: (event: CachingEvents[E]) => boolean = () => true,
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<CachingEvents[E]> {
  let seen: CachingEvents[E] | undefined;
  return waitFor(
    `a '${name}' event`,
    () => seen !== undefined,
    (wake) =>
      service.on(name, (event) => {
        if (seen === undefined && predicate(event)) {
          seen = event;
          wake();
        }
      }),
    timeoutMs,
  ).then(() => seen as CachingEvents[E]);
}

/** Resolves with the next invalidation `service` applies on behalf of another instance. */
export function nextRemoteInvalidation(service: CachingService): Promise<CachingEvents['invalidate']> {
  return nextEvent(service, 'invalidate', (event) => event.source === 'remote');
}

/**
 * `writer` changes `sku` while `reader` has it cached; resolves once `reader` applied the invalidation and
 * reads the new value.
 */
export async function invalidateAcross(writer: Instance, reader: Instance, store: Map<string, number>, sku = 'sku-1'): Promise<void> {
  await reader.inventory.stock(sku);
  const delivered = nextRemoteInvalidation(reader.service);
  const value = (store.get(sku) ?? 0) + 1;
  await writer.inventory.setStock(sku, value);
  await delivered;
  const read = await reader.inventory.stock(sku);
  if (read !== value) throw new Error(`read ${String(read)} after the invalidation of ${sku}, expected ${value}`);
}

/** Resolves once `condition()` holds, checking every 10 ms; for counters that no event announces. */
export function eventually(description: string, condition: () => boolean): Promise<void> {
  return waitFor(description, condition, (wake) => {
    const timer = setInterval(wake, 10);
    return () => clearInterval(timer);
  });
}

export { EVENT_TIMEOUT_MS };
