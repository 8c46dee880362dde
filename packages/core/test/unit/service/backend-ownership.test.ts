import { CacheConfigurationError, CachingService, type CacheBackend, MemoryBackend } from '@cachet/core';

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
