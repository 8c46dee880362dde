import { Cache, InvalidateCache } from '@cachet/core';

/** A product as the database holds it. */
export interface Product {
  readonly id: number;
  readonly name: string;
  readonly price: number;
}

/** The data access of one app instance: cached reads over a database every instance shares. */
export class Catalogue {
  constructor(private readonly database: Map<number, Product>) {}

  /** Reads a product; cached locally until an instance updates it. */
  @Cache()
  async getProduct(id: number): Promise<Product | undefined> {
    console.log(`    (database read: product ${id})`);
    return this.database.get(id);
  }

  /** Changes a price; drops `getProduct(id)` here and, through Service Bus, in every other instance. */
  @InvalidateCache('getProduct')
  async updatePrice(id: number, price: number): Promise<void> {
    const product = this.database.get(id);
    if (product) this.database.set(id, { ...product, price });
  }
}
