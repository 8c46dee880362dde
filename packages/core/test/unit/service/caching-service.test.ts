import {
  Cache,
  CacheConfigurationError,
  CachingService,
  type CachingServiceOptions,
  InProcessSynchronization,
  InvalidateCache,
  MemoryBackend,
  NothingCapturedError,
  ServiceDisposedError,
  type SynchronizationTransport,
  UnknownProfileError,
} from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { fakeClock } from './support/fake-clock';

/** Services a test created; all are disposed after it. */
const created: CachingService[] = [];

function createService(options: CachingServiceOptions = {}): CachingService {
  const service = CachingService.create(options);
  created.push(service);
  return service;
}

let service: CachingService;

beforeEach(() => {
  service = createService();
  CachingService.default = service;
});

afterEach(async () => {
  await Promise.all(created.splice(0).map((each) => each.dispose()));
});

/** A product catalogue over a map standing in for a database, counting its reads. */
class Catalogue {
  reads = 0;

  constructor(readonly db: Map<number, string>) {}

  @Cache()
  getProduct(id: number): string | undefined {
    this.reads++;
    return this.db.get(id);
  }

  @Cache()
  async fetchProduct(id: number): Promise<string | undefined> {
    this.reads++;
    return this.db.get(id);
  }

  @InvalidateCache('getProduct', 'fetchProduct')
  rename(id: number, name: string): void {
    this.db.set(id, name);
  }
}

function catalogue(): Catalogue {
  return new Catalogue(new Map([[42, 'hammer']]));
}

describe('CachingService.create', () => {
  it('works with every default', async () => {
    const defaults = createService({});
    await expect(defaults.getOrSet('answer', () => 42)).resolves.toBe(42);
    await expect(defaults.getOrSet('answer', () => 43)).resolves.toBe(42);
    expect(createService().stats()).toMatchObject({ hits: 0, misses: 0, entries: 0 });
  });

  it("prefixes keys with the namespace, 'cachet' by default", async () => {
    const keys: string[] = [];
    const shop = createService({ namespace: 'shop' });
    service.on('set', ({ key }) => keys.push(key));
    shop.on('set', ({ key }) => keys.push(key));
    await service.getOrSet('a', () => 1);
    await shop.getOrSet('a', () => 1);
    expect(keys).toEqual(['cachet:a', 'shop:a']);
  });

  it.each<[string, CachingServiceOptions]>([
    ['namespace', { namespace: '' }],
    ['namespace', { namespace: 'a:b' }],
    ['backend', { backend: {} as MemoryBackend }],
    ['keyBuilder', { keyBuilder: {} as never }],
    ['synchronization', { synchronization: {} as SynchronizationTransport }],
    ['profiles.default.ttl', { profiles: { default: { ttl: -5 } } }],
    ['profiles.hot.slidingExpiration', { profiles: { hot: { slidingExpiration: Number.NaN } } }],
    // @ts-expect-error: both lifetimes do not compile; JavaScript callers get the runtime check.
    ['profiles.hot.slidingExpiration', { profiles: { hot: { ttl: 1, slidingExpiration: 1 } } }],
    ['profiles.hot.enabled', { profiles: { hot: { enabled: 'yes' as unknown as boolean } } }],
    ['synchronization.whileDisconnected', { synchronization: { transport: new InProcessSynchronization(), whileDisconnected: 'never' as 'bypass' } }],
  ])('rejects an invalid `%s` with CacheConfigurationError naming it', (option, options) => {
    let error: unknown;
    try {
      CachingService.create(options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CacheConfigurationError);
    expect((error as CacheConfigurationError).option).toBe(option);
    expect((error as Error).message).toContain(`\`${option}\``);
  });

  it('fails with UnknownProfileError naming the profile and the defined ones', async () => {
    const withProfiles = createService({ profiles: { hot: { ttl: 1_000 } } });
    const failure = withProfiles.getOrSet('a', () => 1, { profile: 'warm' });
    await expect(failure).rejects.toThrow(UnknownProfileError);
    await expect(withProfiles.getOrSet('a', () => 1, { profile: 'warm' })).rejects.toThrow(/"warm".*"default", "hot"/);
  });
});

describe('CachingService.default', () => {
  it('is the service that decorated methods use', () => {
    const products = catalogue();
    products.getProduct(42);
    expect(service.stats()).toMatchObject({ misses: 1, sets: 1, entries: 1 });
  });

  it('accepts only a service made by create()', () => {
    expect(() => {
      CachingService.default = {} as CachingService;
    }).toThrow(CacheConfigurationError);
    expect(CachingService.default).toBe(service);
  });
});

describe('CachingService.bind', () => {
  it('gives an object its own service, and a class its own for its static methods', () => {
    const own = createService();
    class Settings {
      static reads = 0;

      @Cache()
      static read(): number {
        return ++Settings.reads;
      }
    }
    const mine = own.bind(catalogue());
    mine.getProduct(42);
    own.bind(Settings);
    Settings.read();
    expect(own.stats()).toMatchObject({ misses: 2, entries: 2 });
    expect(service.stats()).toMatchObject({ misses: 0, entries: 0 });
    catalogue().getProduct(42);
    expect(service.stats()).toMatchObject({ misses: 1, entries: 1 });
  });

  it('keeps two app instances in one process coherent over an InProcessSynchronization', async () => {
    const bus = new InProcessSynchronization();
    const first = createService({ synchronization: bus });
    const second = createService({ synchronization: bus });
    await Promise.all([first.initialize(), second.initialize()]);
    const db = new Map([[42, 'hammer']]);
    const app1 = first.bind(new Catalogue(db));
    const app2 = second.bind(new Catalogue(db));

    expect(app1.getProduct(42)).toBe('hammer');
    expect(await app2.fetchProduct(42)).toBe('hammer');
    expect(app2.getProduct(42)).toBe('hammer');
    const applied = nextEvent(second, 'invalidate', (event) => event.source === 'remote');
    app1.rename(42, 'claw hammer');
    expect((await applied).removed).toBe(2);

    expect(app1.getProduct(42)).toBe('claw hammer');
    expect(app2.getProduct(42)).toBe('claw hammer');
    expect(await app2.fetchProduct(42)).toBe('claw hammer');
    expect(service.stats().misses).toBe(0);
  });
});

describe('lifecycle', () => {
  it('initialize() is idempotent: it connects once', async () => {
    const bus = new InProcessSynchronization();
    let connects = 0;
    const counting: SynchronizationTransport = {
      name: 'counting',
      connect: (listener) => {
        connects++;
        return bus.connect(listener);
      },
    };
    const synced = createService({ synchronization: counting });
    const first = synced.initialize();
    expect(synced.initialize()).toBe(first);
    await first;
    await synced.initialize();
    expect(connects).toBe(1);
    expect(synced.stats().sync?.state).toBe('up');
  });

  it('throws ServiceDisposedError on every use after dispose()', async () => {
    const products = catalogue();
    await products.fetchProduct(42);
    await service.dispose();
    await service.dispose();
    expect(() => products.getProduct(42)).toThrow(ServiceDisposedError);
    await expect(products.fetchProduct(42)).rejects.toThrow(ServiceDisposedError);
    await expect(service.getOrSet('a', () => 1)).rejects.toThrow(ServiceDisposedError);
    await expect(service.invalidate(() => products.getProduct(42))).rejects.toThrow(ServiceDisposedError);
    await expect(service.invalidateTags('t')).rejects.toThrow(ServiceDisposedError);
    await expect(service.refresh(() => products.getProduct(42))).rejects.toThrow(ServiceDisposedError);
    await expect(service.clear()).rejects.toThrow(ServiceDisposedError);
    await expect(service.initialize()).rejects.toThrow(ServiceDisposedError);
    expect(service.stats().entries).toBe(0);
  });
});

describe('imperative API', () => {
  it('invalidate(() => x.m(42)) drops that entry only, without running the method', async () => {
    const products = new Catalogue(
      new Map([
        [1, 'saw'],
        [42, 'hammer'],
      ]),
    );
    products.getProduct(42);
    products.getProduct(1);
    await products.fetchProduct(42);
    await service.invalidate(() => products.getProduct(42));
    expect(products.reads).toBe(3);
    products.getProduct(1);
    await products.fetchProduct(42);
    expect(products.reads).toBe(3);
    products.getProduct(42);
    expect(products.reads).toBe(4);
  });

  it('invalidate() captures async methods too', async () => {
    const products = catalogue();
    await products.fetchProduct(42);
    await service.invalidate(() => products.fetchProduct(42));
    await products.fetchProduct(42);
    expect(products.reads).toBe(2);
  });

  it('invalidate() of a function that calls nothing cached fails with NothingCapturedError', async () => {
    const products = catalogue();
    await expect(service.invalidate(() => products.db.get(42))).rejects.toThrow(NothingCapturedError);
    await expect(service.refresh(() => 42)).rejects.toThrow(NothingCapturedError);
  });

  it('refresh() re-runs the method and stores its result', async () => {
    const products = catalogue();
    expect(products.getProduct(42)).toBe('hammer');
    products.db.set(42, 'claw hammer');
    await expect(service.refresh(() => products.getProduct(42))).resolves.toBe('claw hammer');
    expect(products.getProduct(42)).toBe('claw hammer');
    expect(products.reads).toBe(2);

    await products.fetchProduct(42);
    products.db.set(42, 'sledgehammer');
    await expect(service.refresh(() => products.fetchProduct(42))).resolves.toBe('sledgehammer');
    await expect(products.fetchProduct(42)).resolves.toBe('sledgehammer');
    expect(products.reads).toBe(4);
  });

  it('invalidateTags() drops every entry with one of the tags', async () => {
    let runs = 0;
    const factory = (): number => ++runs;
    await service.getOrSet('a', factory, { tags: ['red'] });
    await service.getOrSet('b', factory, { tags: ['green', 'red'] });
    await service.getOrSet('c', factory, { tags: ['blue'] });
    await service.getOrSet('d', factory);
    await service.invalidateTags('red', 'purple');
    expect(service.stats().entries).toBe(2);
    await expect(service.getOrSet('b', factory)).resolves.toBe(5);
    await expect(service.getOrSet('c', factory)).resolves.toBe(3);
  });

  it('clear() drops every entry', async () => {
    const products = catalogue();
    products.getProduct(42);
    await service.getOrSet('a', () => 1);
    await service.clear();
    expect(service.stats().entries).toBe(0);
    products.getProduct(42);
    expect(products.reads).toBe(2);
  });
});

describe('getOrSet', () => {
  it('returns the stored value, or the factory result stored', async () => {
    let runs = 0;
    await expect(service.getOrSet('k', () => ++runs)).resolves.toBe(1);
    await expect(service.getOrSet('k', async () => ++runs)).resolves.toBe(1);
    await expect(service.getOrSet('other', async () => ++runs)).resolves.toBe(2);
  });

  it('expires after `ttl` ms of the backend clock', async () => {
    const clock = fakeClock();
    const timed = createService({ backend: new MemoryBackend({ clock }) });
    let runs = 0;
    await timed.getOrSet('k', () => ++runs, { ttl: 500 });
    clock.advance(500);
    await expect(timed.getOrSet('k', () => ++runs, { ttl: 500 })).resolves.toBe(1);
    clock.advance(1);
    await expect(timed.getOrSet('k', () => ++runs, { ttl: 500 })).resolves.toBe(2);
  });

  it('is dropped by invalidate() with the same string key and by its tags', async () => {
    let runs = 0;
    await service.getOrSet('user:1', () => ++runs, { tags: ['users'] });
    await service.invalidate('user:1');
    await expect(service.getOrSet('user:1', () => ++runs, { tags: ['users'] })).resolves.toBe(2);
    await service.invalidateTags('users');
    await expect(service.getOrSet('user:1', () => ++runs)).resolves.toBe(3);
  });

  it('runs the factory every time with `enabled: false`', async () => {
    let runs = 0;
    await service.getOrSet('k', () => ++runs, { enabled: false });
    await expect(service.getOrSet('k', () => ++runs, { enabled: false })).resolves.toBe(2);
    expect(service.stats().entries).toBe(0);
  });

  it('rejects an empty key and invalid options with CacheConfigurationError', async () => {
    await expect(service.getOrSet('', () => 1)).rejects.toThrow(CacheConfigurationError);
    await expect(service.getOrSet('k', () => 1, { ttl: -1 })).rejects.toThrow(/getOrSet\(\) options\.ttl/);
    await expect(service.getOrSet('k', () => 1, { tags: 'red' as unknown as string[] })).rejects.toThrow(/getOrSet\(\) options\.tags/);
  });
});
