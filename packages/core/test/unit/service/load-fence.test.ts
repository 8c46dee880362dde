import { Cache, InvalidateCache } from '@cachet/core';
import { type Deferred, deferred } from '../support/deferred';
import { useFreshDefaultService } from '../support/fresh-default-service';

const fresh = useFreshDefaultService();

/** A cached async method whose every run waits on a deferred the test settles, so events are ordered by hand. */
class Products {
  readonly runs: Deferred<string>[] = [];

  @Cache({ tags: (id: number) => [`product:${id}`] })
  get(id: number): Promise<string> {
    const run = deferred<string>();
    this.runs.push(run);
    return run.promise;
  }

  @InvalidateCache('get')
  update(id: number): void {}
}

function run(products: Products, index: number): Deferred<string> {
  const found = products.runs[index];
  if (found === undefined) throw new Error(`the method has run ${products.runs.length} times, not ${index + 1}`);
  return found;
}

/** What a subsequent call of `get(id)` serves, and whether it had to run the method for it. */
async function served(products: Products, id: number): Promise<{ value: string; ran: boolean }> {
  const before = products.runs.length;
  const call = products.get(id);
  const ran = products.runs.length > before;
  if (ran) run(products, before).resolve('reloaded');
  return { value: await call, ran };
}

describe('the load fence', () => {
  it.each<[string, (products: Products) => Promise<void> | void]>([
    ['its key', (products) => fresh.service.invalidate(() => products.get(1))],
    ['its key by @InvalidateCache', (products) => products.update(1)],
    ['one of its tags', () => fresh.service.invalidateTags('product:1')],
    ['a clear', () => fresh.service.clear()],
  ])('does not store a load that began before an invalidation of %s, but returns it to its caller', async (_what, invalidate) => {
    const products = new Products();
    const fenced: string[] = [];
    fresh.service.on('fenced', ({ key }) => fenced.push(key));
    const stale = products.get(1);
    await invalidate(products);
    run(products, 0).resolve('stale');
    await expect(stale).resolves.toBe('stale');
    expect(fenced).toHaveLength(1);
    expect(fresh.service.stats()).toMatchObject({ fenced: 1, sets: 0, entries: 0 });
    await expect(served(products, 1)).resolves.toEqual({ value: 'reloaded', ran: true });
  });

  it.each<[string, (products: Products) => Promise<void> | void]>([
    ['its key', (products) => fresh.service.invalidate(() => products.get(1))],
    ['one of its tags', () => fresh.service.invalidateTags('product:1')],
    ['a clear', () => fresh.service.clear()],
  ])('does not let a caller arriving after an invalidation of %s join the stale load', async (_what, invalidate) => {
    const products = new Products();
    const stale = products.get(1);
    await invalidate(products);
    const fresh = products.get(1);
    expect(products.runs).toHaveLength(2);

    // The fresh load finishes first; the stale one, finishing later, must not overwrite it.
    run(products, 1).resolve('fresh');
    await expect(fresh).resolves.toBe('fresh');
    run(products, 0).resolve('stale');
    await expect(stale).resolves.toBe('stale');
    await expect(served(products, 1)).resolves.toEqual({ value: 'fresh', ran: false });
  });

  it('stores the fresh load when the stale one finishes first', async () => {
    const products = new Products();
    const stale = products.get(1);
    products.update(1);
    const fresh = products.get(1);
    run(products, 0).resolve('stale');
    await stale;
    run(products, 1).resolve('fresh');
    await fresh;
    await expect(served(products, 1)).resolves.toEqual({ value: 'fresh', ran: false });
  });

  it('leaves loads of other keys and tags alone', async () => {
    const products = new Products();
    const other = products.get(2);
    await fresh.service.invalidate(() => products.get(1));
    await fresh.service.invalidateTags('product:3');
    run(products, 0).resolve('two');
    await other;
    expect(fresh.service.stats()).toMatchObject({ fenced: 0, sets: 1 });
    await expect(served(products, 2)).resolves.toEqual({ value: 'two', ran: false });
  });

  it('fences a getOrSet load overtaken by invalidate() of its key', async () => {
    const load = deferred<string>();
    const stale = fresh.service.getOrSet('user:1', () => load.promise);
    await fresh.service.invalidate('user:1');
    const reloaded = fresh.service.getOrSet('user:1', () => 'fresh');
    load.resolve('stale');
    await expect(stale).resolves.toBe('stale');
    await expect(reloaded).resolves.toBe('fresh');
    await expect(fresh.service.getOrSet('user:1', () => 'not run')).resolves.toBe('fresh');
  });

  it('fences a load that was running when refresh() started, keeping the refreshed value', async () => {
    const products = new Products();
    const stale = products.get(1);
    const refreshed = fresh.service.refresh(() => products.get(1));
    expect(products.runs).toHaveLength(2);
    run(products, 1).resolve('refreshed');
    await expect(refreshed).resolves.toBe('refreshed');
    run(products, 0).resolve('stale');
    await stale;
    await expect(served(products, 1)).resolves.toEqual({ value: 'refreshed', ran: false });
  });
});
