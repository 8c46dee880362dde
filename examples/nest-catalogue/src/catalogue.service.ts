import { Cache, InvalidateCache } from '@cachet/core';
import { Injectable, NotFoundException } from '@nestjs/common';
import { type Product, ProductTable } from './product-table';

/** The catalogue: reads are cached for a minute, and a rename drops the entry on every instance. */
@Injectable()
export class CatalogueService {
  constructor(private readonly table: ProductTable) {}

  @Cache({ profile: 'hot' })
  async getProduct(id: number): Promise<Product> {
    const product = this.table.read(id);
    if (product === undefined) throw new NotFoundException(`no product ${id}`);
    return product;
  }

  @InvalidateCache('getProduct')
  async renameProduct(id: number, name: string): Promise<void> {
    this.table.write(id, name);
  }
}
