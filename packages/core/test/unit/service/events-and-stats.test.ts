import { Cache, type CacheBackend, type CachingEvents, CachingService, type EntryOptions, MemoryBackend } from '@cachet/core';
import { deferred } from '../support/deferred';

/** A backend whose stores fail, to see the failure reported without breaking the call. */
class FailingStoreBackend implements CacheBackend {
  private readonly inner = new MemoryBackend();

  get(key: string, sliding: boolean): unknown {
    return this.inner.get(key, sliding);
  }

  set(_key: string, _value: unknown, _options: EntryOptions): void {
    throw new Error('disk full');
  }

  invalidate(keys: Iterable<string>, dependencies: Iterable<string>): string[] {
    return this.inner.invalidate(keys, dependencies);
  }

  dependenciesOf(key: string): readonly string[] {
    return this.inner.dependenciesOf(key);
  }

  clear(): void {
    this.inner.clear();
  }

  get size(): number {
    return this.inner.size;
  }
}

type Recorded = { [E in keyof CachingEvents]: [E, CachingEvents[E]] }[keyof CachingEvents];

/** Records every event of the given names, in order, without their origin (which a test of its own checks). */
function record(service: CachingService, names: readonly (keyof CachingEvents)[]): Recorded[] {
  const events: Recorded[] = [];
  for (const name of names) {
    service.on(name, (event) => {
      const { origin: _origin, ...payload } = event;
      events.push([name, payload] as unknown as Recorded);
    });
  }
  return events;
}

let service: CachingService;

beforeEach(() => {
  service = CachingService.create({ namespace: 'shop' });
  CachingService.default = service;
});

afterEach(async () => {
  await service.dispose();
});

class Catalogue {
  @Cache({ tags: (id: number) => [`product:${id}`] })
  get(id: number): string {
    return `product ${id}`;
  }
}

describe('events', () => {
  it('reports miss and set on a first call, hit on the next', () => {
    const events = record(service, ['hit', 'miss', 'set']);
    const catalogue = new Catalogue();
    catalogue.get(1);
    catalogue.get(1);
    expect(events).toEqual([
      ['miss', { key: 'shop:Catalogue.get(1)' }],
      ['set', { key: 'shop:Catalogue.get(1)' }],
      ['hit', { key: 'shop:Catalogue.get(1)' }],
    ]);
  });

  it('reports invalidations with what was asked and how many entries went', async () => {
    const events = record(service, ['invalidate']);
    const catalogue = new Catalogue();
    catalogue.get(1);
    catalogue.get(2);
    await service.invalidate(() => catalogue.get(1));
    await service.invalidateTags('product:2', 'product:3');
    catalogue.get(3);
    await service.clear();
    expect(events).toEqual([
      ['invalidate', { source: 'local', keys: ['shop:Catalogue.get(1)'], dependencies: [], all: false, removed: 1, sentAt: undefined }],
      ['invalidate', { source: 'local', keys: [], dependencies: ['product:2', 'product:3'], all: false, removed: 1, sentAt: undefined }],
      ['invalidate', { source: 'local', keys: [], dependencies: [], all: true, removed: 1, sentAt: undefined }],
    ]);
  });

  it('reports a fenced load', async () => {
    const events = record(service, ['set', 'fenced']);
    const load = deferred<number>();
    const stale = service.getOrSet('k', () => load.promise);
    await service.invalidate('k');
    load.resolve(1);
    await stale;
    expect(events).toEqual([['fenced', { key: 'shop:k' }]]);
  });

  it('reports a failed store as an error and still returns the value', async () => {
    const failing = CachingService.create({ backend: new FailingStoreBackend() });
    const errors = record(failing, ['error']);
    await expect(failing.getOrSet('k', () => 'value')).resolves.toBe('value');
    expect(errors).toHaveLength(1);
    const [, event] = errors[0] as ['error', CachingEvents['error']];
    expect(event.operation).toBe('store cachet:k');
    expect((event.error as Error).message).toBe('disk full');
    await failing.dispose();
  });

  it("reports a listener's exception as an error instead of breaking the call", () => {
    const errors = record(service, ['error']);
    service.on('miss', () => {
      throw new Error('listener bug');
    });
    expect(new Catalogue().get(1)).toBe('product 1');
    expect(errors).toHaveLength(1);
    expect((errors[0]?.[1] as CachingEvents['error']).operation).toBe("listener of 'miss'");
  });

  it('names the origin of each event: the service, and for a call its class, method and profile', async () => {
    const origins: CachingEvents['hit']['origin'][] = [];
    service.on('miss', (event) => origins.push(event.origin));
    service.on('invalidate', (event) => origins.push(event.origin));
    new Catalogue().get(1);
    await service.getOrSet('k', () => 1);
    await service.clear();
    expect(origins).toEqual([
      { service, namespace: 'shop', className: 'Catalogue', methodName: 'get', profile: 'default' },
      { service, namespace: 'shop', className: undefined, methodName: undefined, profile: 'default' },
      { service, namespace: 'shop', className: undefined, methodName: undefined, profile: undefined },
    ]);
  });

  it('stops calling a listener once it is removed', () => {
    const hits: string[] = [];
    const off = service.on('hit', ({ key }) => hits.push(key));
    const catalogue = new Catalogue();
    catalogue.get(1);
    catalogue.get(1);
    off();
    catalogue.get(1);
    expect(hits).toHaveLength(1);
  });
});

describe('stats()', () => {
  it('counts hits, misses, sets, fenced loads, invalidations and entries', async () => {
    const catalogue = new Catalogue();
    catalogue.get(1);
    catalogue.get(1);
    catalogue.get(2);
    await service.getOrSet('k', () => 1);
    await service.getOrSet('k', () => 1);
    const load = deferred<number>();
    const fenced = service.getOrSet('slow', () => load.promise);
    await service.invalidateTags('product:2');
    await service.invalidate('slow');
    load.resolve(1);
    await fenced;
    expect(service.stats()).toEqual({ hits: 2, misses: 4, sets: 3, fenced: 1, invalidations: 2, entries: 2 });
  });

  it('includes synchronization counters only when synchronization is configured', () => {
    expect(service.stats().sync).toBeUndefined();
  });
});
