import type { Redis } from 'ioredis';
import type { Product, ProductDatabase } from './catalogue';

/** The database for two instances in one process. */
export class MapDatabase implements ProductDatabase {
  readonly #rows = new Map<number, Product>();

  async get(id: number): Promise<Product | undefined> {
    return this.#rows.get(id);
  }

  async put(product: Product): Promise<void> {
    this.#rows.set(product.id, product);
  }
}

/** The database for instances in separate processes: one Redis hash, a JSON product per field. */
export class RedisHashDatabase implements ProductDatabase {
  constructor(
    private readonly redis: Redis,
    readonly hash: string,
  ) {}

  async get(id: number): Promise<Product | undefined> {
    const json = await this.redis.hget(this.hash, String(id));
    return json === null ? undefined : (JSON.parse(json) as Product);
  }

  async put(product: Product): Promise<void> {
    await this.redis.hset(this.hash, String(product.id), JSON.stringify(product));
  }
}
