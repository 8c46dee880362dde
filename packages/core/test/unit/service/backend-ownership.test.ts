import { CacheConfigurationError, CachingService, type CacheBackend, MemoryBackend } from '@cachet/core';
import { MemorySecondLevel } from '@cachet/core/testing';

const services: CachingService[] = [];
function create(backend: CacheBackend | (() => CacheBackend)): CachingService {
  const service = CachingService.create({ backend });
  services.push(service);
  return service;
}
afterEach(async () => {
  await Promise.all(services.splice(0).map((each) => each.dispose()));
});

describe('a backend serves one caching service at a time', () => {
  it('refuses a backend instance that another live service uses, naming the option and the way out', () => {
    const backend = new MemoryBackend();
    create(backend);
    expect(() => create(backend)).toThrow(CacheConfigurationError);
    expect(() => create(backend)).toThrow(/`backend`.*already serves another CachingService.*backend: \(\) => new MemoryBackend\(\)/);
  });

  it('lets a disposed service hand its backend to a new one', async () => {
    const backend = new MemoryBackend();
    await create(backend).dispose();
    expect(create(backend)).toBeInstanceOf(CachingService);
  });

  it('keeps a backend free when the service fails to construct for another option', () => {
    const backend = new MemoryBackend();
    expect(() => CachingService.create({ backend, namespace: 'a:b' })).toThrow(CacheConfigurationError);
    expect(() => CachingService.create({ backend, profiles: { hot: { ttl: -1 } } })).toThrow(CacheConfigurationError);
    expect(create(backend)).toBeInstanceOf(CachingService);
  });

  it('calls a backend factory once per service, so services built from one options object never share entries', async () => {
    const options = { backend: () => new MemoryBackend({ maxEntries: 100 }) };
    const [first, second] = [CachingService.create(options), CachingService.create(options)];
    services.push(first, second);
    await first.getOrSet('answer', () => 42);
    expect([first.stats().entries, second.stats().entries]).toEqual([1, 0]);
    expect(await second.getOrSet('answer', () => 43)).toBe(43);
  });

  it('reports a factory that throws, or returns no backend, as a configuration error', () => {
    expect(() =>
      CachingService.create({
        backend: () => {
          throw new Error('no memory');
        },
      }),
    ).toThrow(/`backend`: the backend factory threw \(Error: no memory\)/);
    expect(() => CachingService.create({ backend: (() => undefined) as unknown as () => CacheBackend })).toThrow(/`backend`: expected a CacheBackend/);
  });
});

describe('a second-level store serves one caching service at a time', () => {
  it('refuses a store instance that another live service uses, and takes it again once that one is disposed', async () => {
    const store = new MemorySecondLevel();
    const first = CachingService.create({ l2: store });
    expect(() => CachingService.create({ l2: store })).toThrow(/`l2`.*already serves another CachingService.*l2: \(\) => new RedisL2/);
    expect(() => CachingService.create({ l2: { store } })).toThrow(CacheConfigurationError);
    await first.dispose();
    services.push(CachingService.create({ l2: store }));
  });

  it('calls a store factory once per service, so services built from one options object each open their own', async () => {
    const shared = new MemorySecondLevel();
    const opened: MemorySecondLevel[] = [];
    const options = {
      l2: () => {
        const client = shared.another();
        opened.push(client);
        return client;
      },
    };
    const [first, second] = [CachingService.create(options), CachingService.create(options)];
    services.push(first, second);
    await Promise.all([first.initialize(), second.initialize()]);
    expect(opened).toHaveLength(2);
    await first.getOrSet('answer', () => 42);
    expect(await second.getOrSet('answer', () => 43)).toBe(42);
    expect([opened[0]?.operations.set, opened[1]?.operations.get]).toEqual([1, 1]);
  });

  it('reports a store factory that throws as a configuration error on l2.store', () => {
    expect(() =>
      CachingService.create({
        l2: () => {
          throw new Error('no redis');
        },
      }),
    ).toThrow(/`l2.store`: the store factory threw \(Error: no redis\)/);
  });
});
