import { CachingService, InProcessSynchronization, MemoryBackend } from '@cachet/core';
import { MemorySecondLevel } from '@cachet/core/testing';
import { deferred, flushMicrotasks } from '../support/deferred';
import { Instances } from './support/shop';

describe('CachingService with a second level', () => {
  const instances = new Instances();
  afterEach(() => instances.disposeAll());

  it('serves an instance started late from the second level, without running the method', async () => {
    const a = await instances.create();
    instances.db.set(1, 'lamp');
    expect(await a.shop.getProduct(1)).toBe('lamp');
    const late = await instances.create();
    expect(await late.shop.getProduct(1)).toBe('lamp');
    expect(late.shop.runs.product).toBe(0);
    expect(late.service.stats().l2).toMatchObject({ hits: 1, misses: 0, state: 'up' });
    // Now in its memory too: the next call reads nothing from the store.
    const reads = late.l2.operations.get;
    expect(await late.shop.getProduct(1)).toBe('lamp');
    expect(late.l2.operations.get).toBe(reads);
  });

  it('single flight across both levels: concurrent misses make one read of the store and at most one run', async () => {
    const a = await instances.create();
    instances.db.set(1, 'lamp');
    const gate = deferred();
    a.shop.gate = gate;
    const calls = [a.shop.getProduct(1), a.shop.getProduct(1), a.shop.getProduct(1)];
    await flushMicrotasks();
    gate.resolve();
    expect(await Promise.all(calls)).toEqual(['lamp', 'lamp', 'lamp']);
    expect(a.shop.runs.product).toBe(1);
    expect(a.l2.operations).toMatchObject({ get: 1, set: 1 });

    const b = await instances.create();
    expect(await Promise.all([b.shop.getProduct(1), b.shop.getProduct(1), b.shop.getProduct(1)])).toEqual(['lamp', 'lamp', 'lamp']);
    expect(b.shop.runs.product).toBe(0);
    expect(b.l2.operations).toMatchObject({ get: 1, set: 0 });
  });

  it('invalidation by key, tag, dependency and clear removes from the store, for every instance', async () => {
    const [a, b] = [await instances.create(), await instances.create()];
    instances.db.set(1, 'lamp');
    instances.db.set(2, 'desk');
    await a.shop.getOffer(1);
    await a.shop.getProduct(2);

    await a.shop.updateProduct(1, 'desk lamp');
    await flushMicrotasks();
    expect(await b.shop.getOffer(1)).toBe('offer for desk lamp');
    expect(b.shop.runs).toMatchObject({ offer: 1, product: 1 });

    await a.service.invalidateTags('product:2');
    instances.db.set(2, 'big desk');
    expect(await b.shop.getProduct(2)).toBe('big desk');

    await b.service.clear();
    const c = await instances.create();
    expect(await c.shop.getProduct(2)).toBe('big desk');
    expect(c.shop.runs.product).toBe(1);
  });

  it("keeps an entry read from the store in memory no longer than the store's entry has left", async () => {
    let now = 0;
    const clock = (): number => now;
    instances.l2 = new MemorySecondLevel({ clock });
    const a = await instances.create({ backend: new MemoryBackend({ clock }) });
    instances.db.set(1, 'lamp');
    expect(await a.service.getOrSet('k', async () => 'first', { ttl: 1_000 })).toBe('first');
    now = 900;
    const b = await instances.create({ backend: new MemoryBackend({ clock }) });
    expect(await b.service.getOrSet('k', async () => 'second', { ttl: 1_000 })).toBe('first');
    now = 1_001;
    expect(await b.service.getOrSet('k', async () => 'second', { ttl: 1_000 })).toBe('second');
  });

  it("measures with a MemoryBackend's sizeOf the value, not what the service wraps it in", async () => {
    const a = await instances.create({ backend: new MemoryBackend({ maxSize: 10, sizeOf: (value) => (value as string).length }) });
    expect(await a.service.getOrSet('k', async () => 'lamp')).toBe('lamp');
    expect(a.service.stats().entries).toBe(1);
  });

  it('refresh runs the method afresh and replaces the entry in the store', async () => {
    const [a, b] = [await instances.create(), await instances.create()];
    instances.db.set(1, 'lamp');
    await a.shop.getProduct(1);
    instances.db.set(1, 'desk lamp');
    expect(await a.service.refresh(() => a.shop.getProduct(1))).toBe('desk lamp');
    expect(await b.shop.getProduct(1)).toBe('desk lamp');
    expect(b.shop.runs.product).toBe(0);
  });

  it('keeps `l2: false` methods (and profiles) and synchronous methods out of the store', async () => {
    const a = await instances.create({ profiles: { local: { l2: false } } });
    instances.db.set(1, 'lamp');
    await a.shop.getLocal(1);
    a.shop.getSync(1);
    expect(await a.service.getOrSet('local', async () => 'x', { profile: 'local' })).toBe('x');
    expect(await a.service.getOrSet('shared', async () => 'y', { ttl: 60_000 })).toBe('y');
    expect(a.l2.operations).toMatchObject({ get: 1, set: 1 });
    const b = await instances.create();
    await b.shop.getLocal(1);
    expect(b.shop.getSync(1)).toBe('lamp');
    expect(b.shop.runs).toMatchObject({ local: 1, sync: 1 });
    expect(await b.service.getOrSet('shared', async () => 'not run')).toBe('y');
  });

  it("uses the store's own bus when no synchronization is given, and an explicit one in its place", async () => {
    const own = new InProcessSynchronization();
    const explicit = new InProcessSynchronization();
    // Two clients of one store, both offering the same bus: a store instance serves one service.
    const [store, other] = [instances.l2.another(), instances.l2.another()];
    Object.assign(store, { synchronization: own });
    Object.assign(other, { synchronization: own });
    const withOwn = CachingService.create({ l2: store });
    expect(withOwn.stats().sync).toBeDefined();
    const ownConnect = jest.spyOn(own, 'connect');
    const withExplicit = CachingService.create({ l2: other, synchronization: explicit });
    await withExplicit.initialize();
    expect(ownConnect).not.toHaveBeenCalled();
    await Promise.all([withOwn.dispose(), withExplicit.dispose()]);
  });
});
