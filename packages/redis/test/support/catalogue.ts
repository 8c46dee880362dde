import { Cache, CachingService, InvalidateCache } from '@cachet/core';
import { RedisL2, type RedisConnection } from '@cachet/redis';

/**
 * The cached class of the second-level tests: products read from a shared store (a Map standing in for the
 * database every instance uses), an offer built on a product (a nested cached call: a dependency), any
 * value, and a short-lived one.
 */
export class Catalogue {
  /** Method runs, by method. */
  readonly runs = { product: 0, offer: 0, value: 0, shortLived: 0 };

  constructor(private readonly db: Map<number, unknown>) {}

  @Cache({ tags: (id: number) => [`product:${id}`] })
  async getProduct(id: number): Promise<unknown> {
    this.runs.product++;
    return this.db.get(id);
  }

  @Cache()
  async getOffer(id: number): Promise<string> {
    this.runs.offer++;
    return `offer for ${String(await this.getProduct(id))}`;
  }

  @Cache()
  async getValue(id: number): Promise<unknown> {
    this.runs.value++;
    return this.db.get(id);
  }

  @Cache({ ttl: 300 })
  async getShortLived(id: number): Promise<unknown> {
    this.runs.shortLived++;
    return this.db.get(id);
  }

  @InvalidateCache('getProduct')
  async updateProduct(id: number, value: unknown): Promise<void> {
    this.db.set(id, value);
  }
}

/** One app instance: its service (over RedisL2, and RedisL2's own bus) and its Catalogue. */
export interface L2Instance {
  readonly service: CachingService;
  readonly catalogue: Catalogue;
}

/** App instances sharing one database and one Redis; each test gets a namespace of its own. */
export class L2Instances {
  readonly db = new Map<number, unknown>();
  namespace = '';
  private readonly started: CachingService[] = [];
  private run = 0;

  constructor(
    private readonly connection: () => RedisConnection,
    readonly keyPrefix = `cachet-l2-${process.pid}`,
  ) {}

  /** A new namespace and an empty database: call it in `beforeEach`. */
  reset(): void {
    this.namespace = `l2-${++this.run}-${Math.random().toString(36).slice(2, 8)}`;
    this.db.clear();
  }

  /** Starts an instance (no `synchronization`: RedisL2 supplies its own over the same Redis) and initializes it. */
  async start(): Promise<L2Instance> {
    const service = CachingService.create({ namespace: this.namespace, l2: new RedisL2({ connection: this.connection(), keyPrefix: this.keyPrefix }) });
    this.started.push(service);
    await service.initialize();
    return { service, catalogue: service.bind(new Catalogue(this.db)) };
  }

  /** The hash tag of the current namespace's keys in Redis. */
  get tag(): string {
    return `{${this.keyPrefix}:${this.namespace}}`;
  }

  async disposeAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((service) => service.dispose()));
  }
}
