import { Cache, CachingService, type CachingServiceOptions, InvalidateCache } from '@cachet/core';
import { MemorySecondLevel } from '@cachet/core/testing';
import type { Deferred } from '../../support/deferred';

/** A shop over a shared map standing in for a database, as each app instance would have. */
export class Shop {
  /** Method runs, by method name. */
  readonly runs = { product: 0, offer: 0, local: 0, sync: 0, value: 0 };
  /** When set, the next run of `getProduct` reads the database, then waits for this before returning. */
  gate: Deferred<void> | undefined;

  constructor(readonly db: Map<number, unknown>) {}

  @Cache({ tags: (id: number) => [`product:${id}`] })
  async getProduct(id: number): Promise<unknown> {
    this.runs.product++;
    const value = this.db.get(id);
    const gate = this.gate;
    this.gate = undefined;
    if (gate !== undefined) await gate.promise;
    return value;
  }

  /** Built on `getProduct`: a nested cached call. */
  @Cache()
  async getOffer(id: number): Promise<string> {
    this.runs.offer++;
    return `offer for ${String(await this.getProduct(id))}`;
  }

  @Cache({ l2: false })
  async getLocal(id: number): Promise<unknown> {
    this.runs.local++;
    return this.db.get(id);
  }

  @Cache()
  getSync(id: number): unknown {
    this.runs.sync++;
    return this.db.get(id);
  }

  /** Returns what the database holds under `id`, whatever its type. */
  @Cache()
  async getValue(id: number): Promise<unknown> {
    this.runs.value++;
    return this.db.get(id);
  }

  @InvalidateCache('getProduct')
  async updateProduct(id: number, value: unknown): Promise<void> {
    this.db.set(id, value);
  }
}

/** One app instance: its service, its shop, and its client of the shared second level. */
export interface Instance {
  readonly service: CachingService;
  readonly shop: Shop;
  readonly l2: MemorySecondLevel;
}

/** App instances sharing one database and one in-memory second level; disposed after each test. */
export class Instances {
  readonly db = new Map<number, unknown>();
  /** The shared data; a new one for each test. */
  l2 = new MemorySecondLevel();
  private readonly created: CachingService[] = [];

  /** An initialized instance over the shared second level (no synchronization unless `options` give one). */
  async create(options: Omit<CachingServiceOptions, 'l2'> & { readonly l2?: Partial<Exclude<CachingServiceOptions['l2'], MemorySecondLevel>> } = {}): Promise<Instance> {
    const l2 = this.l2.another();
    const service = CachingService.create({ ...options, l2: { ...options.l2, store: l2 } });
    this.created.push(service);
    await service.initialize();
    return { service, shop: service.bind(new Shop(this.db)), l2 };
  }

  async disposeAll(): Promise<void> {
    await Promise.all(this.created.splice(0).map((service) => service.dispose()));
    this.db.clear();
    this.l2 = new MemorySecondLevel();
  }
}
