import { Cache, CacheConfigurationError, CacheKey, CachingService, DecoratorUsageError, MemoryBackend, UnknownProfileError } from '@cachet/core';
import { fakeClock } from '../service/support/fake-clock';

/** A decorator typed loosely enough to be put where `@Cache` does not belong, to check it says so. */
type LooseDecorator = (...args: unknown[]) => void;

let service: CachingService;

beforeEach(() => {
  service = CachingService.create({ profiles: { short: { ttl: 1_000 }, off: { enabled: false } } });
  CachingService.default = service;
});

afterEach(async () => {
  await service.dispose();
});

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

describe('@Cache options', () => {
  it('expires entries after `ttl` ms of the backend clock', () => {
    const clock = fakeClock();
    CachingService.default = service = CachingService.create({ backend: new MemoryBackend({ clock }) });
    let runs = 0;
    class Rates {
      @Cache({ ttl: 1_000 })
      rate(): number {
        return ++runs;
      }
    }
    const rates = new Rates();
    expect(rates.rate()).toBe(1);
    clock.advance(999);
    expect(rates.rate()).toBe(1);
    clock.advance(2);
    expect(rates.rate()).toBe(2);
  });

  it('expires entries under a fake clock that starts at 0', () => {
    const clock = fakeClock(0);
    CachingService.default = service = CachingService.create({ backend: new MemoryBackend({ clock }) });
    let runs = 0;
    class Rates {
      @Cache({ ttl: 1_000 })
      rate(): number {
        return ++runs;
      }
    }
    const rates = new Rates();
    expect(rates.rate()).toBe(1);
    clock.advance(1_001);
    expect(rates.rate()).toBe(2);
  });

  it('keeps a sliding entry alive while it is read, and drops it once idle for `slidingExpiration` ms', () => {
    const clock = fakeClock();
    CachingService.default = service = CachingService.create({ backend: new MemoryBackend({ clock }) });
    let runs = 0;
    class Sessions {
      @Cache({ slidingExpiration: 1_000 })
      session(): number {
        return ++runs;
      }
    }
    const sessions = new Sessions();
    expect(sessions.session()).toBe(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(800);
      expect(sessions.session()).toBe(1);
    }
    clock.advance(1_001);
    expect(sessions.session()).toBe(2);
  });

  it("takes expiration from the named profile, and an explicit `ttl` replaces the profile's", () => {
    const clock = fakeClock();
    CachingService.default = service = CachingService.create({ backend: new MemoryBackend({ clock }), profiles: { short: { ttl: 1_000 } } });
    let runs = 0;
    class Feeds {
      @Cache({ profile: 'short' })
      news(): number {
        return ++runs;
      }

      @Cache({ profile: 'short', ttl: 5_000 })
      weather(): number {
        return ++runs;
      }
    }
    const feeds = new Feeds();
    const news = feeds.news();
    const weather = feeds.weather();
    clock.advance(1_001);
    expect(feeds.news()).not.toBe(news);
    expect(feeds.weather()).toBe(weather);
  });

  it('fails with UnknownProfileError naming the profile and the method on first call', async () => {
    class Misconfigured {
      @Cache({ profile: 'nope' })
      async read(): Promise<number> {
        return 1;
      }
    }
    await expect(async () => new Misconfigured().read()).rejects.toThrow(UnknownProfileError);
    await expect(async () => new Misconfigured().read()).rejects.toThrow(/"nope".*Misconfigured\.read|Misconfigured\.read.*"nope"/);
  });

  it('runs the method uncached with `enabled: false`, or when its profile is disabled', () => {
    let runs = 0;
    class Live {
      @Cache({ enabled: false })
      now(): number {
        return ++runs;
      }

      @Cache({ profile: 'off' })
      later(): number {
        return ++runs;
      }
    }
    const live = new Live();
    expect(live.now()).toBe(1);
    expect(live.now()).toBe(2);
    expect(live.later()).toBe(3);
    expect(live.later()).toBe(4);
  });

  it('uses the `key` function of the arguments instead of the arguments', () => {
    let runs = 0;
    class Search {
      @Cache({ key: (query: string) => query.trim().toLowerCase() })
      search(query: string): number {
        return ++runs;
      }
    }
    const search = new Search();
    expect(search.search('Hammer')).toBe(1);
    expect(search.search('  hammer ')).toBe(1);
    expect(search.search('saw')).toBe(2);
  });

  it('tags results with the `tags` function so invalidateTags drops them', async () => {
    let runs = 0;
    class Catalogue {
      @Cache({ tags: (id: number) => [`product:${id}`] })
      product(id: number): string {
        runs++;
        return `product ${id}`;
      }
    }
    const catalogue = new Catalogue();
    catalogue.product(1);
    catalogue.product(2);
    await service.invalidateTags('product:1');
    catalogue.product(1);
    catalogue.product(2);
    expect(runs).toBe(3);
  });

  it('leaves parameters named or numbered in `notCacheKey` out of the key', () => {
    let runs = 0;
    class Reports {
      @Cache({ notCacheKey: ['log'] })
      report(id: number, log: (message: string) => void): number {
        log(`report ${id}`);
        return ++runs;
      }

      @Cache({ notCacheKey: [1] })
      summary(id: number, requestId: string): number {
        return ++runs;
      }
    }
    const reports = new Reports();
    // A function argument cannot be keyed: excluding it is what makes the call cacheable at all.
    expect(reports.report(1, () => undefined)).toBe(1);
    expect(reports.report(1, () => undefined)).toBe(1);
    expect(reports.summary(1, 'request-a')).toBe(2);
    expect(reports.summary(1, 'request-b')).toBe(2);
  });

  it('rejects a `notCacheKey` entry that names no parameter, naming the method', () => {
    class Typo {
      @Cache({ notCacheKey: ['loger'] })
      read(id: number, logger: unknown): number {
        return id;
      }
    }
    expect(() => new Typo().read(1, null)).toThrow(/Typo\.read.*loger/);
  });

  it('stores and hands out structured clones with `clone: true`, references otherwise', () => {
    class Store {
      @Cache({ clone: true })
      cloned(): { items: string[] } {
        return { items: ['a'] };
      }

      @Cache()
      shared(): { items: string[] } {
        return { items: ['a'] };
      }
    }
    const store = new Store();
    const first = store.cloned();
    first.items.push('changed by a caller');
    expect(store.cloned()).toEqual({ items: ['a'] });
    expect(store.cloned()).not.toBe(store.cloned());
    expect(store.shared()).toBe(store.shared());
  });

  it('rejects invalid options when the decorator is applied, naming the option', () => {
    expect(() => {
      class Bad {
        @Cache({ ttl: -1 })
        read(): number {
          return 1;
        }
      }
      return Bad;
    }).toThrow(CacheConfigurationError);
    expect(() => {
      class Both {
        @Cache({ ttl: 1, slidingExpiration: 1 })
        read(): number {
          return 1;
        }
      }
      return Both;
    }).toThrow(/slidingExpiration/);
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
