import { CacheConfigurationError, CachingService } from '@cachet/core';
import { ManualScheduler, MemorySecondLevel } from '@cachet/core/testing';
import { flushMicrotasks } from '../support/deferred';
import { Instances } from './support/shop';

describe('when the second level is down', () => {
  const instances = new Instances();
  afterEach(() => instances.disposeAll());

  it('serves from memory and the method, skips and counts writes, and clears memory before using the store again', async () => {
    const [a, b] = [await instances.create(), await instances.create()];
    instances.db.set(1, 'lamp');
    instances.db.set(2, 'desk');
    await a.shop.getProduct(1);
    a.l2.setAvailable(false);
    expect(await a.shop.getProduct(1)).toBe('lamp'); // memory still serves
    expect(await a.shop.getProduct(2)).toBe('desk'); // the method runs; the store is not written
    expect(a.service.stats().l2).toMatchObject({ state: 'down', skipped: 1, errors: 0 });
    await a.shop.updateProduct(1, 'desk lamp'); // cannot reach the store: waits to be replayed
    expect(a.service.stats().l2).toMatchObject({ pendingInvalidations: 1 }); // the key
    expect(await b.shop.getProduct(1)).toBe('lamp'); // B still reads the old entry: the bound of an outage

    a.l2.setAvailable(true);
    await flushMicrotasks();
    expect(a.service.stats()).toMatchObject({ entries: 0, l2: { state: 'up', pendingInvalidations: 0 } });
    const c = await instances.create();
    expect(await c.shop.getProduct(1)).toBe('desk lamp'); // the replay removed it from the store
  });

  it("replays a long outage's invalidations as one clear of the store", async () => {
    const a = await instances.create({ l2: { maxPendingInvalidations: 2 } });
    const b = await instances.create();
    instances.db.set(1, 'lamp');
    instances.db.set(9, 'chair');
    await a.shop.getProduct(9);
    a.l2.setAvailable(false);
    for (const id of [1, 2, 3]) await a.shop.updateProduct(id, `new ${id}`);
    expect(a.service.stats().l2).toMatchObject({ pendingInvalidations: 1 }); // one pending clear
    a.l2.setAvailable(true);
    await flushMicrotasks();
    expect(a.l2.operations.clear).toBe(1);
    instances.db.set(9, 'new chair');
    expect(await b.shop.getProduct(9)).toBe('new chair'); // the clear took everything
  });

  it('treats a failed invalidation as an outage it did not hear of, and retries it with backoff', async () => {
    const scheduler = new ManualScheduler();
    const a = await instances.create({ l2: { scheduler } });
    instances.db.set(1, 'lamp');
    await a.shop.getProduct(1);
    const invalidate = jest.spyOn(a.l2, 'invalidate').mockRejectedValueOnce(new Error('connection reset')).mockRejectedValueOnce(new Error('connection reset'));
    const errors: unknown[] = [];
    a.service.on('error', ({ error }) => errors.push(error));
    await a.shop.updateProduct(1, 'desk lamp');
    await flushMicrotasks();
    expect(a.service.stats().l2).toMatchObject({ state: 'down', errors: 1 });
    await scheduler.advance(50);
    expect(a.service.stats().l2).toMatchObject({ state: 'down', errors: 2 });
    await scheduler.advance(100);
    expect(a.service.stats().l2).toMatchObject({ state: 'up', errors: 2, pendingInvalidations: 0 });
    expect(invalidate).toHaveBeenCalledTimes(3);
    expect(errors).toHaveLength(2);
    expect(await a.shop.getProduct(1)).toBe('desk lamp');
  });

  it('reports l2-down once per outage, whichever way it is noticed, and l2-up with how long it lasted', async () => {
    const scheduler = new ManualScheduler();
    const a = await instances.create({ l2: { scheduler } });
    const seen: string[] = [];
    a.service.on('l2-down', ({ reason, origin }) => seen.push(`down: ${reason.message} (${origin.namespace})`));
    a.service.on('l2-up', ({ downForMs }) => seen.push(`up after ${downForMs} ms`));

    a.l2.setAvailable(false);
    await a.shop.updateProduct(1, 'lamp'); // refused while down: the same outage
    await scheduler.advance(300);
    a.l2.setAvailable(true);
    await flushMicrotasks();
    expect(seen).toEqual([expect.stringMatching(/^down: .*unavailable.* \(cachet\)$/), 'up after 300 ms']);

    // An invalidation the store refused, with no report from it: an outage too.
    seen.length = 0;
    jest.spyOn(a.l2, 'invalidate').mockRejectedValueOnce(new Error('connection reset'));
    await a.shop.updateProduct(1, 'desk lamp');
    await flushMicrotasks();
    await scheduler.advance(50);
    expect(seen).toEqual(['down: connection reset (cachet)', 'up after 50 ms']);
    expect(a.service.stats().l2).toMatchObject({ state: 'up' });
  });

  it('falls back to the method when a read fails, and the caller sees nothing of it', async () => {
    const a = await instances.create();
    instances.db.set(1, 'lamp');
    jest.spyOn(a.l2, 'get').mockRejectedValueOnce(new Error('timeout'));
    const failed = jest.spyOn(a.l2, 'set').mockRejectedValueOnce(new Error('timeout'));
    expect(await a.shop.getProduct(1)).toBe('lamp');
    expect(failed).toHaveBeenCalledTimes(1);
    expect(a.service.stats()).toMatchObject({ entries: 1, l2: { state: 'up', errors: 2 } });
  });

  it('rejects an l2 option that is not a store, naming it', () => {
    expect(() => CachingService.create({ l2: {} as MemorySecondLevel })).toThrow(CacheConfigurationError);
    expect(() => CachingService.create({ l2: { store: 42 as unknown as MemorySecondLevel } })).toThrow(/l2\.store/);
    expect(() => CachingService.create({ l2: { store: new MemorySecondLevel(), maxPendingInvalidations: 0 } })).toThrow(/l2\.maxPendingInvalidations/);
    expect(() => CachingService.create({ profiles: { x: { l2: 'no' as unknown as boolean } } })).toThrow(/profiles\.x\.l2/);
  });
});
