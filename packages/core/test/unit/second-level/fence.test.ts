import { type CachingService, InProcessSynchronization } from '@cachet/core';
import { deferred, flushMicrotasks } from '../support/deferred';
import { Instances, type Shop } from './support/shop';

// The instances below share a second level but no bus (unless a test gives one): whatever keeps them
// coherent here is the store's version check, as when a bus message is still in flight.
describe('the fence across instances, through the second level', () => {
  const instances = new Instances();
  afterEach(() => instances.disposeAll());

  it.each([
    ['its key', (shop: Shop) => shop.updateProduct(1, 'desk lamp')],
    ['its tag', async (shop: Shop, service: CachingService) => {
      shop.db.set(1, 'desk lamp');
      await service.invalidateTags('product:1');
    }],
    ['everything (a clear)', async (shop: Shop, service: CachingService) => {
      shop.db.set(1, 'desk lamp');
      await service.clear();
    }],
  ])('a load that began before another instance invalidated %s stores in neither level', async (_, invalidate) => {
    const [a, b] = [await instances.create(), await instances.create()];
    instances.db.set(1, 'lamp');
    const gate = deferred();
    a.shop.gate = gate;
    const loading = a.shop.getProduct(1); // reads 'lamp', then waits
    await flushMicrotasks();
    await invalidate(b.shop, b.service);
    gate.resolve();
    expect(await loading).toBe('lamp'); // the caller gets what the method returned
    expect(a.service.stats()).toMatchObject({ entries: 0, fenced: 1, l2: { refused: 1 } });
    expect(await a.shop.getProduct(1)).toBe('desk lamp');
    const c = await instances.create();
    expect(await c.shop.getProduct(1)).toBe('desk lamp');
  });

  it('an entry built on a stale first-level entry is refused by the store, and not kept in memory', async () => {
    const [a, b] = [await instances.create(), await instances.create()];
    instances.db.set(1, 'lamp');
    expect(await a.shop.getProduct(1)).toBe('lamp'); // in A's memory
    await b.shop.updateProduct(1, 'desk lamp'); // the store drops it; A's memory does not know yet
    await flushMicrotasks();
    expect(await a.shop.getOffer(1)).toBe('offer for lamp'); // a miss in both levels, built on A's stale entry
    expect(a.service.stats()).toMatchObject({ entries: 1, fenced: 1, l2: { refused: 1 } }); // the stale product only
    const c = await instances.create();
    expect(await c.shop.getOffer(1)).toBe('offer for desk lamp');
    expect(c.shop.runs).toMatchObject({ offer: 1, product: 1 });
    // A's memory holds no offer, so its next call reads the one C stored.
    expect(await a.shop.getOffer(1)).toBe('offer for desk lamp');
    expect(a.shop.runs.offer).toBe(1);
  });

  it('an entry built on a first-level entry that is still current is stored', async () => {
    const [a, b] = [await instances.create(), await instances.create()];
    instances.db.set(1, 'lamp');
    instances.db.set(2, 'desk');
    await a.shop.getProduct(1);
    await b.shop.updateProduct(2, 'big desk'); // unrelated: the version moves on, product 1 is untouched
    await flushMicrotasks();
    expect(await a.shop.getOffer(1)).toBe('offer for lamp');
    expect(a.service.stats().l2).toMatchObject({ refused: 0, writes: 2 });
    expect(await b.shop.getOffer(1)).toBe('offer for lamp');
    expect(b.shop.runs.offer).toBe(0);
  });

  it('with a bus too, an invalidation is applied once in each memory and once in the store', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await instances.create({ synchronization: { transport: bus, heartbeatIntervalMs: 0 } }), await instances.create({ synchronization: { transport: bus, heartbeatIntervalMs: 0 } })];
    instances.db.set(1, 'lamp');
    await a.shop.getProduct(1);
    await b.shop.getProduct(1);
    const before = a.l2.operations.invalidate + b.l2.operations.invalidate;
    await a.service.invalidateTags('product:1');
    await flushMicrotasks();
    expect(a.l2.operations.invalidate + b.l2.operations.invalidate - before).toBe(1);
    expect([a.service.stats().entries, b.service.stats().entries]).toEqual([0, 0]);
    expect([a.service.stats().invalidations, b.service.stats().invalidations]).toEqual([1, 1]);
  });
});
