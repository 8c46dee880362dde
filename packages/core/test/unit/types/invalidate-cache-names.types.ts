// Compiled by `pnpm typecheck` under both decorator settings (tsconfig.json: standard decorators;
// tsconfig.legacy.json: experimentalDecorators), never run: each `@ts-expect-error` fails the typecheck
// if the line below it compiles.
import { Cache, InvalidateCache } from '@cachet/core';

export class Products {
  @Cache()
  getProduct(id: number): string {
    return `product ${id}`;
  }

  @Cache()
  static listAll(): string[] {
    return [];
  }
}

export class Catalogue {
  @Cache()
  getProduct(id: number): string {
    return `product ${id}`;
  }

  @Cache()
  private loadRates(): number[] {
    return [];
  }

  @Cache()
  static list(): string[] {
    return [];
  }

  rates(): number[] {
    return this.loadRates();
  }

  @InvalidateCache('getProduct')
  rename(id: number): void {}

  // @ts-expect-error: Catalogue has no getProdct.
  @InvalidateCache('getProdct')
  misspelt(id: number): void {}

  @InvalidateCache({ method: 'getProduct', mapArgs: (product: { id: number }) => [product.id] })
  save(product: { id: number }): void {}

  // @ts-expect-error: a mapping's method is checked too.
  @InvalidateCache({ method: 'getProdct', mapArgs: (product: { id: number }) => [product.id] })
  saveMisspelt(product: { id: number }): void {}

  // @ts-expect-error: the second name is checked as well as the first.
  @InvalidateCache('getProduct', 'getPrice', { tags: (id: number) => [`product:${id}`] })
  twoNames(id: number): void {}

  @InvalidateCache(() => Products, 'getProduct', 'listAll', { method: 'getProduct', class: () => Products })
  restock(id: number): void {}

  // @ts-expect-error: names after () => Products are Products' members.
  @InvalidateCache(() => Products, 'rename')
  wrongClass(id: number): void {}

  // @ts-expect-error: a mapping's `class` decides where its method is looked up.
  @InvalidateCache({ method: 'rename', class: () => Products })
  wrongMappingClass(id: number): void {}

  @InvalidateCache('list')
  static relist(): void {}

  // @ts-expect-error: a static mutator's own names are the class's statics, and getProduct is an instance method.
  @InvalidateCache('getProduct')
  static wrongSide(id: number): void {}

  // What TypeScript cannot check: keyof lists public members only, and an instance's type does not name
  // its class's statics. These forms are checked at run time, on the first call.

  // @ts-expect-error: a private method's name is not in keyof Catalogue.
  @InvalidateCache('loadRates')
  refreshRates(): void {}

  @InvalidateCache('loadRates' as string)
  refreshRatesUnchecked(): void {}

  @InvalidateCache(() => Catalogue, 'list')
  relistFromAnInstance(): void {}
}
