import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis-url';
import { disposeInstances, nextEvent, nextRemoteInvalidation, startInstances, type Instance } from '../support/services';

beforeAll(() => assertRedisReachable());
afterEach(() => disposeInstances());

describe('a load racing a remote invalidation', () => {
  it.each([
    ['@InvalidateCache', (b: Instance) => b.inventory.setStock('apple', 2)],
    ['a tag invalidation', (b: Instance) => b.service.invalidateTags('sku:apple')],
    ['clear()', (b: Instance) => b.service.clear()],
  ])('does not let A keep the stale value when B invalidates by %s mid-load', async (_label, invalidate) => {
    const store = new Map([['apple', 1]]);
    const [a, b] = (await startInstances(2, store, { connection: REDIS_URL, channel: uniqueChannel('race') })) as [Instance, Instance];

    const release = a.inventory.hold();
    const staleLoad = a.inventory.stock('apple'); // reads 1 from the store, then is held
    store.set('apple', 2); // B's update of the database...
    const delivered = nextRemoteInvalidation(a.service);
    const fenced = nextEvent(a.service, 'fenced');
    await invalidate(b); // ...and its invalidation, which reaches A while its load still runs
    await delivered;
    release();

    await expect(staleLoad).resolves.toBe(1); // the caller that started before the update gets what it read
    await fenced;
    await expect(a.inventory.stock('apple')).resolves.toBe(2); // but A did not cache it
  });
});
