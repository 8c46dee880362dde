import { Cache, CacheKey, DecoratorUsageError } from '@cachet/core';
import { useFreshDefaultService } from '../support/fresh-default-service';

/** A decorator typed loosely enough to be put where `@Cache` does not belong, to check it says so. */
type LooseDecorator = (...args: unknown[]) => void;

useFreshDefaultService();

describe('@Cache on methods', () => {
  class Catalogue {
    static loads = 0;
    loads = 0;

    @Cache()
    getProduct(id: number): { id: number; load: number } {
      return { id, load: ++this.loads };
    }

    @Cache()
    async fetchProduct(id: number): Promise<{ id: number; load: number }> {
      return { id, load: ++this.loads };
    }

    @Cache()
    static categories(): string[] {
      Catalogue.loads++;
      return ['tools', 'toys'];
    }

    @Cache()
    static async fetchCategory(name: string): Promise<string> {
      Catalogue.loads++;
      return name.toUpperCase();
    }
  }

  it('caches a synchronous instance method and returns the stored value without a promise', () => {
    const catalogue = new Catalogue();
    const first = catalogue.getProduct(1);
    const second = catalogue.getProduct(1);
    expect(second).toBe(first);
    expect(catalogue.loads).toBe(1);
    expect(catalogue.getProduct(2)).toEqual({ id: 2, load: 2 });
  });

  it('caches a Promise-returning instance method and keeps returning promises on hits', async () => {
    const catalogue = new Catalogue();
    const first = await catalogue.fetchProduct(1);
    const hit = catalogue.fetchProduct(1);
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toBe(first);
    expect(catalogue.loads).toBe(1);
  });

  it('caches static methods, synchronous and Promise-returning', async () => {
    Catalogue.loads = 0;
    expect(Catalogue.categories()).toBe(Catalogue.categories());
    await expect(Catalogue.fetchCategory('tools')).resolves.toBe('TOOLS');
    const hit = Catalogue.fetchCategory('tools');
    expect(hit).toBeInstanceOf(Promise);
    await expect(hit).resolves.toBe('TOOLS');
    expect(Catalogue.loads).toBe(2);
  });

  it('keeps the method name and length', () => {
    expect(Catalogue.prototype.getProduct.name).toBe('getProduct');
    expect(Catalogue.prototype.getProduct.length).toBe(1);
    expect(Catalogue.fetchCategory.name).toBe('fetchCategory');
    expect(Catalogue.fetchCategory.length).toBe(1);
  });

  it('shares entries between instances of a class without @CacheKey members', () => {
    const first = new Catalogue();
    const second = new Catalogue();
    const value = first.getProduct(7);
    expect(second.getProduct(7)).toBe(value);
    expect(second.loads).toBe(0);
  });

  it('caches undefined and null results', () => {
    let runs = 0;
    class Lookup {
      @Cache()
      find(id: number): string | null | undefined {
        runs++;
        return id === 0 ? null : undefined;
      }
    }
    const lookup = new Lookup();
    expect(lookup.find(0)).toBeNull();
    expect(lookup.find(0)).toBeNull();
    expect(lookup.find(1)).toBeUndefined();
    expect(lookup.find(1)).toBeUndefined();
    expect(runs).toBe(2);
  });

  it('does not cache a synchronous throw', () => {
    let runs = 0;
    class Flaky {
      @Cache()
      read(): number {
        runs++;
        if (runs === 1) throw new Error('first call fails');
        return runs;
      }
    }
    const flaky = new Flaky();
    expect(() => flaky.read()).toThrow('first call fails');
    expect(flaky.read()).toBe(2);
    expect(flaky.read()).toBe(2);
  });
});

describe('keys as seen through @Cache', () => {
  it('gives the same method name on two classes separate entries', () => {
    class Products {
      @Cache()
      get(id: number): string {
        return `product ${id}`;
      }
    }
    class Orders {
      @Cache()
      get(id: number): string {
        return `order ${id}`;
      }
    }
    expect(new Products().get(1)).toBe('product 1');
    expect(new Orders().get(1)).toBe('order 1');
    expect(new Products().get(1)).toBe('product 1');
  });

  it('tells 1 from "1", null from undefined, and ignores object key order', () => {
    let runs = 0;
    class Echo {
      @Cache()
      echo(value: unknown): number {
        return ++runs;
      }
    }
    const echo = new Echo();
    const numberOne = echo.echo(1);
    const stringOne = echo.echo('1');
    expect(stringOne).not.toBe(numberOne);
    expect(echo.echo(null)).not.toBe(echo.echo(undefined));
    expect(echo.echo({ a: 1, b: 2 })).toBe(echo.echo({ b: 2, a: 1 }));
    expect(echo.echo(1)).toBe(numberOne);
    expect(echo.echo('1')).toBe(stringOne);
  });

  it('keys every argument a rest parameter collects', () => {
    let runs = 0;
    class Prices {
      @Cache()
      total(...prices: number[]): number {
        runs++;
        return prices.reduce((sum, price) => sum + price, 0);
      }
    }
    const prices = new Prices();
    expect(prices.total(1, 2)).toBe(3);
    expect(prices.total(1, 3)).toBe(4);
    expect(prices.total(1, 2)).toBe(3);
    expect(runs).toBe(2);
  });

  it('keeps same-named static methods of two classes apart when they are called without `this`', () => {
    class Books {
      @Cache()
      static title(id: number): string {
        return `book ${id}`;
      }
    }
    class Films {
      @Cache()
      static title(id: number): string {
        return `film ${id}`;
      }
    }
    // Passed as callbacks, as in `ids.map(Books.title)`: `this` is undefined.
    const bookTitle = Books.title;
    const filmTitle = Films.title;
    expect(bookTitle(1)).toBe('book 1');
    expect(filmTitle(1)).toBe('film 1');
  });

  it('keys `this` by its @CacheKey members only when the class has some', () => {
    let runs = 0;
    class Account {
      @CacheKey()
      id: number;
      visits = 0;

      constructor(id: number) {
        this.id = id;
      }

      @Cache()
      balance(): number {
        this.visits++;
        return ++runs;
      }
    }
    const first = new Account(1);
    const sameId = new Account(1);
    const other = new Account(2);
    const balance = first.balance();
    first.visits = 10; // not a @CacheKey member: does not change the key
    expect(first.balance()).toBe(balance);
    expect(sameId.balance()).toBe(balance);
    expect(other.balance()).not.toBe(balance);
    expect(runs).toBe(2);
  });

  it('keys an argument that is a @CacheKey entity by its members', () => {
    class Product {
      @CacheKey()
      id: number;
      name: string;

      constructor(id: number, name: string) {
        this.id = id;
        this.name = name;
      }
    }
    let runs = 0;
    class Pricing {
      @Cache()
      price(product: Product): number {
        runs++;
        return product.id * 10;
      }
    }
    const pricing = new Pricing();
    expect(pricing.price(new Product(1, 'hammer'))).toBe(10);
    expect(pricing.price(new Product(1, 'renamed hammer'))).toBe(10);
    expect(pricing.price(new Product(2, 'saw'))).toBe(20);
    expect(runs).toBe(2);
  });
});

describe('@Cache where it does not belong', () => {
  const loose = (): LooseDecorator => Cache() as unknown as LooseDecorator;

  it('throws DecoratorUsageError on a getter', () => {
    expect(() => {
      class Getter {
        @(loose())
        get value(): number {
          return 1;
        }
      }
      return Getter;
    }).toThrow(DecoratorUsageError);
  });

  it('throws DecoratorUsageError on a field', () => {
    expect(() => {
      class Field {
        @(loose())
        value = 1;
      }
      return Field;
    }).toThrow(DecoratorUsageError);
  });
});
