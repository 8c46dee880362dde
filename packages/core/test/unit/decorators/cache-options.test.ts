import { Cache, CacheConfigurationError, CachingService, MemoryBackend, UnknownProfileError } from '@cachet/core';
import { fakeClock } from '../service/support/fake-clock';

let service: CachingService;

beforeEach(() => {
  service = CachingService.create({ profiles: { off: { enabled: false } } });
  CachingService.default = service;
});

afterEach(async () => {
  await service.dispose();
});

describe('@Cache options', () => {
  /** A clocked default service and a sync cached method that counts its runs, with `options`. */
  function countingMethod(options: Parameters<typeof Cache>[0], clock = fakeClock()): { clock: ReturnType<typeof fakeClock>; call: () => number } {
    CachingService.default = service = CachingService.create({ backend: new MemoryBackend({ clock }) });
    let runs = 0;
    class Counter {
      @Cache(options)
      count(): number {
        return ++runs;
      }
    }
    const counter = new Counter();
    return { clock, call: () => counter.count() };
  }

  it('expires entries after `ttl` ms of the backend clock', () => {
    const { clock, call } = countingMethod({ ttl: 1_000 });
    expect(call()).toBe(1);
    clock.advance(999);
    expect(call()).toBe(1);
    clock.advance(2);
    expect(call()).toBe(2);
  });

  it('expires entries under a fake clock that starts at 0', () => {
    const { clock, call } = countingMethod({ ttl: 1_000 }, fakeClock(0));
    expect(call()).toBe(1);
    clock.advance(1_001);
    expect(call()).toBe(2);
  });

  it('keeps a sliding entry alive while it is read, and drops it once idle for `slidingExpiration` ms', () => {
    const { clock, call } = countingMethod({ slidingExpiration: 1_000 });
    expect(call()).toBe(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(800);
      expect(call()).toBe(1);
    }
    clock.advance(1_001);
    expect(call()).toBe(2);
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
        // @ts-expect-error: both lifetimes do not compile; JavaScript callers get the runtime check.
        @Cache({ ttl: 1, slidingExpiration: 1 })
        read(): number {
          return 1;
        }
      }
      return Both;
    }).toThrow(/slidingExpiration/);
  });
});
