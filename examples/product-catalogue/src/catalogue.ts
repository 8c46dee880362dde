import { Cache, InvalidateCache } from '@cachet/core';

/** A product as the database holds it. */
export interface Product {
  readonly id: number;
  readonly name: string;
  readonly price: number;
}

/** The database both app instances share: a Map in one process, a Redis hash across processes. */
export interface ProductDatabase {
  get(id: number): Promise<Product | undefined>;
  put(product: Product): Promise<void>;
}

/** The seed's service: reads are cached per instance, updates drop the entries they make stale. */
export class Catalogue {
  /** How many times a read reached the database (a cache miss). */
  databaseReads = 0;

  constructor(private readonly database: ProductDatabase) {}

  @Cache()
  async getProduct(id: number): Promise<Product | undefined> {
    this.databaseReads++;
    return this.database.get(id);
  }

  @Cache({ tags: (id: number) => [`product:${id}`] })
  async getPrice(id: number): Promise<number | undefined> {
    this.databaseReads++;
    return (await this.database.get(id))?.price;
  }

  /** After the update succeeds, `getProduct(id)` and `getPrice(id)` are invalidated here and on every instance. */
  @InvalidateCache('getProduct', 'getPrice')
  async updatePrice(id: number, price: number): Promise<void> {
    const product = await this.database.get(id);
    if (product === undefined) throw new Error(`No product ${id}`);
    await this.database.put({ ...product, price });
  }
}
