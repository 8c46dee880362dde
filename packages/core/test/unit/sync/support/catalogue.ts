import { Cache, CachingService, type CachingServiceOptions, InvalidateCache, type SynchronizationOptions } from '@cachet/core';
import type { Deferred } from '../../support/deferred';

/** A product catalogue over a shared map standing in for a database, as each app instance would have. */
export class Catalogue {
  loads = 0;
  /** When set, the next load reads the database, then waits for this before returning. */
  gate: Deferred<void> | undefined;

  constructor(readonly db: Map<number, string>) {}

  @Cache({ tags: (id: number) => [`product:${id}`] })
  async getProduct(id: number): Promise<string | undefined> {
    this.loads++;
    const value = this.db.get(id);
    const gate = this.gate;
    this.gate = undefined;
    if (gate !== undefined) await gate.promise;
    return value;
  }

  @InvalidateCache('getProduct')
  async updateProduct(id: number, name: string): Promise<void> {
    this.db.set(id, name);
  }
}

/** One app instance: its caching service and its catalogue, bound to that service. */
export interface Instance {
  readonly service: CachingService;
  readonly catalogue: Catalogue;
}

/** Creates app instances sharing `db` and disposes them after each test. */
export class Instances {
  private readonly created: CachingService[] = [];

  constructor(readonly db = new Map<number, string>()) {}

  /** An initialized instance synchronized as `synchronization` says (heartbeats off unless asked for). */
  async create(synchronization: SynchronizationOptions, options: Omit<CachingServiceOptions, 'synchronization'> = {}): Promise<Instance> {
    const service = CachingService.create({ ...options, synchronization: { heartbeatIntervalMs: 0, ...synchronization } });
    this.created.push(service);
    await service.initialize();
    return { service, catalogue: service.bind(new Catalogue(this.db)) };
  }

  async disposeAll(): Promise<void> {
    await Promise.all(this.created.splice(0).map((service) => service.dispose()));
  }
}
