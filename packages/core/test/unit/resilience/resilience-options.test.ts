import { optionOf as optionPathOf, rejectedOptionOf as rejectedOptionPath } from '../support/option-path';
import { Cache, type CachingProfile, CachingService, MemoryBackend, type ResilienceOptions } from '@cachet/core';

/** Options the compiler would reject, as an untyped caller (JavaScript, parsed configuration) passes them. */
const untyped = (options: object): ResilienceOptions => options as ResilienceOptions;

describe('resilience options: validation', () => {
  const services: CachingService[] = [];
  afterEach(() => Promise.all(services.splice(0).map((service) => service.dispose())));
  const create = (profile: CachingProfile, backend?: MemoryBackend): CachingService => {
    const service = CachingService.create({ profiles: { hot: profile }, ...(backend === undefined ? {} : { backend }) });
    services.push(service);
    return service;
  };

  it.each([
    [{ ttl: 1_000, ...untyped({ failSafe: { maxStale: -1 } }) }, 'profiles.hot.failSafe.maxStale'],
    [{ ttl: 1_000, ...untyped({ failSafe: {} }) }, 'profiles.hot.failSafe.maxStale'],
    [{ ttl: 1_000, ...untyped({ failSafe: true }) }, 'profiles.hot.failSafe'],
    [{ ttl: 1_000, failSafe: { maxStale: 1, throttle: Number.NaN } }, 'profiles.hot.failSafe.throttle'],
    [{ ttl: 1_000, timeout: {} }, 'profiles.hot.timeout'],
    [{ ttl: 1_000, timeout: { hard: 0 } }, 'profiles.hot.timeout.hard'],
    [{ ttl: 1_000, failSafe: { maxStale: 1 }, timeout: { soft: 200, hard: 100 } }, 'profiles.hot.timeout.hard'],
    [{ ttl: 1_000, eagerRefresh: 1 }, 'profiles.hot.eagerRefresh'],
    [{ ttl: 1_000, ...untyped({ autoReload: 'yes' }) }, 'profiles.hot.autoReload'],
    [{ eagerRefresh: 0.8 }, 'profiles.hot.eagerRefresh'],
    [{ slidingExpiration: 1_000, autoReload: true }, 'profiles.hot.autoReload'],
    [{ failSafe: { maxStale: 1 } }, 'profiles.hot.failSafe'],
    [{ ttl: 1_000, timeout: { soft: 100 } }, 'profiles.hot.timeout.soft'],
  ] as [CachingProfile, string][])('rejects an invalid profile at construction, naming %j → %s', (profile, path) => {
    expect(optionPathOf(() => create(profile))).toBe(path);
  });

  it('rejects fail-safe on a backend that purges expired entries', () => {
    expect(optionPathOf(() => create({ ttl: 1_000, failSafe: { maxStale: 1 } }, new MemoryBackend({ purgeExpired: true })))).toBe('profiles.hot.failSafe');
  });

  it('accepts every option in a profile, and a method can turn one off', async () => {
    const service = create({ ttl: 1_000, failSafe: { maxStale: 5_000, throttle: 0 }, timeout: { soft: 10, hard: 20 }, eagerRefresh: 0.5, autoReload: true });
    class Catalogue {
      @Cache({ profile: 'hot', timeout: false, failSafe: false, eagerRefresh: false, autoReload: false })
      async plain(): Promise<number> {
        return 1;
      }
    }
    const catalogue = service.bind(new Catalogue());
    expect(await catalogue.plain()).toBe(1);
    expect(service.stats().resilience).toBeUndefined();
  });

  it('rejects an invalid shape when @Cache is applied, naming the method and option', () => {
    expect(
      optionPathOf(() => {
        class Catalogue {
          @Cache({ ttl: 1_000, timeout: { soft: 100, hard: 50 }, failSafe: { maxStale: 1 } })
          async read(): Promise<number> {
            return 1;
          }
        }
        return Catalogue;
      }),
    ).toMatch(/^@Cache\(\) on (Catalogue\.)?read\.timeout\.hard$/); // the class is known at decoration only under legacy decorators
  });

  it('rejects a combination that does not fit the profile at the first call, naming the method', async () => {
    const service = create({ slidingExpiration: 1_000 });
    class Catalogue {
      @Cache({ profile: 'hot', eagerRefresh: 0.8 })
      async read(): Promise<number> {
        return 1;
      }
    }
    const catalogue = service.bind(new Catalogue());
    expect(await rejectedOptionPath(() => catalogue.read())).toBe('@Cache() on Catalogue.read.eagerRefresh');
  });

  it('checks getOrSet options like the decorator', async () => {
    const service = create({});
    expect(await rejectedOptionPath(() => service.getOrSet('k', () => 1, { ttl: 1_000, ...untyped({ eagerRefresh: 2 }) }))).toBe('getOrSet() options.eagerRefresh');
    expect(await rejectedOptionPath(() => service.getOrSet('k', () => 1, { slidingExpiration: 1_000, autoReload: true }))).toBe('getOrSet() options.autoReload');
  });
});
