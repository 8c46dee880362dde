import { CachingService, type CachingEvents } from '@cachet/core';
import { RedisL2 } from '@cachet/redis';
import { Redis } from 'ioredis';
import { Catalogue, L2Instances } from '../support/catalogue';
import { RedisKeys } from '../support/redis-keys';
import { assertRedisReachable, REDIS_URL } from '../support/redis-url';
import { nextEvent, nextRemoteInvalidation } from '../support/service-instances';
import { waitFor } from '../support/wait-for';

// Caching services over RedisL2 on the shared Redis, with no synchronization of their own: RedisL2's bus
// keeps their memory coherent, its store shares values.
const instances = new L2Instances(() => REDIS_URL);
let keys: RedisKeys;

beforeAll(async () => {
  await assertRedisReachable();
  keys = new RedisKeys(new Redis(REDIS_URL));
});
afterAll(async () => {
  await keys.drop(`{${instances.keyPrefix}:`);
  await keys.client.quit();
});
beforeEach(() => instances.reset());
afterEach(() => instances.disposeAll());

/** The entries in Redis of one method of the current namespace. */
async function entriesOf(method: string): Promise<string[]> {
  return (await keys.all(`${instances.tag}:`)).filter((key) => key.includes(':e:') && key.includes(`.${method}(`));
}

describe('RedisL2 under caching services', () => {
  it('shares values between two and three instances: a value computed once serves them all', async () => {
    const [a, b, c] = [await instances.start(), await instances.start(), await instances.start()];
    instances.db.set(1, 'lamp');

    expect(await a.catalogue.getProduct(1)).toBe('lamp');
    expect(await b.catalogue.getProduct(1)).toBe('lamp');
    expect(await c.catalogue.getProduct(1)).toBe('lamp');

    expect([a, b, c].map(({ catalogue }) => catalogue.runs.product)).toEqual([1, 0, 0]);
    expect(b.service.stats().l2).toMatchObject({ hits: 1, misses: 0, state: 'up' });
    expect(await entriesOf('getProduct')).toHaveLength(1);
  });

  it('serves an instance started late from Redis: warm, without running the method', async () => {
    const a = await instances.start();
    instances.db.set(1, 'lamp');
    await a.catalogue.getOffer(1);

    const late = await instances.start();

    expect(await late.catalogue.getOffer(1)).toBe('offer for lamp');
    expect(late.catalogue.runs).toMatchObject({ offer: 0, product: 0 });
  });

  it('invalidation by key (@InvalidateCache), tag, dependency and clear removes from Redis and from every memory', async () => {
    const [a, b] = [await instances.start(), await instances.start()];
    instances.db.set(1, 'lamp');
    instances.db.set(2, 'desk');
    for (const { catalogue } of [a, b]) {
      await catalogue.getOffer(1);
      await catalogue.getProduct(2);
    }
    expect(await entriesOf('getOffer')).toHaveLength(1);

    // By key; the offer built on the product goes too (a dependency).
    let delivered = nextRemoteInvalidation(b.service);
    await a.catalogue.updateProduct(1, 'desk lamp');
    await delivered;
    expect(await entriesOf('getOffer')).toHaveLength(0);
    expect(await b.catalogue.getOffer(1)).toBe('offer for desk lamp');
    expect(b.catalogue.runs).toMatchObject({ offer: 1, product: 1 });

    // By tag.
    delivered = nextRemoteInvalidation(a.service);
    instances.db.set(2, 'big desk');
    await b.service.invalidateTags('product:2');
    await delivered;
    expect(await a.catalogue.getProduct(2)).toBe('big desk');

    // Clear.
    delivered = nextRemoteInvalidation(b.service);
    await a.service.clear();
    await delivered;
    expect(await entriesOf('get')).toHaveLength(0);
    const runs = b.catalogue.runs.product;
    await b.catalogue.getProduct(2);
    expect(b.catalogue.runs.product).toBe(runs + 1);
  });

  it('honours a ttl in Redis: an expired entry is loaded afresh by a new instance', async () => {
    const a = await instances.start();
    instances.db.set(1, 'lamp');
    await a.catalogue.getShortLived(1);
    const [entry] = await entriesOf('getShortLived');
    expect(Number(await keys.client.pttl(entry as string))).toBeGreaterThan(0);

    await waitForGone(entry as string);

    const late = await instances.start();
    instances.db.set(1, 'new lamp');
    expect(await late.catalogue.getShortLived(1)).toBe('new lamp');
    expect(late.catalogue.runs.shortLived).toBe(1);
  });

  it('round-trips every supported type through Redis', async () => {
    const values: unknown[] = [
      undefined,
      null,
      0,
      'text',
      true,
      new Date('2026-12-07T17:00:00Z'),
      new Map<unknown, unknown>([['a', 1], [2, { b: [3] }]]),
      new Set([1, 'two', null]),
      123456789012345678901234567890n,
      Uint8Array.from([1, 2, 255]),
      new Float64Array([1.5, -0]),
      { nested: { list: [1, { deep: new Date(0) }], nothing: undefined } },
    ];
    const [a, b] = [await instances.start(), await instances.start()];
    values.forEach((value, id) => instances.db.set(id, value));
    for (let id = 0; id < values.length; id++) await a.catalogue.getValue(id);

    for (let id = 0; id < values.length; id++) expect(await b.catalogue.getValue(id)).toStrictEqual(values[id]);
    expect(b.catalogue.runs.value).toBe(0);
  });

  it('refuses a class instance, naming the method and the type: the caller gets it, memory keeps it, Redis does not', async () => {
    class Product {
      constructor(readonly name: string) {}
    }
    const [a, b] = [await instances.start(), await instances.start()];
    const product = new Product('lamp');
    instances.db.set(1, product);
    const refused = nextEvent(a.service, 'error');

    expect(await a.catalogue.getValue(1)).toBe(product);

    const { error, operation } = (await refused) as CachingEvents['error'];
    expect(error).toMatchObject({ code: 'E_UNSERIALIZABLE', valueType: 'Product' });
    expect(String((error as Error).message)).toContain('Catalogue.getValue');
    expect(operation).toContain('Catalogue.getValue');
    expect(await a.catalogue.getValue(1)).toBe(product);
    expect(a.service.stats().l2).toMatchObject({ unserializable: 1 });
    await b.catalogue.getValue(1);
    expect(b.catalogue.runs.value).toBe(1);
  });

  it('leaves the application\'s own client open', async () => {
    const own = new Redis(REDIS_URL);
    const service = CachingService.create({ namespace: instances.namespace, l2: new RedisL2({ connection: own, keyPrefix: instances.keyPrefix }) });
    await service.initialize();
    const catalogue = service.bind(new Catalogue(instances.db));
    instances.db.set(1, 'lamp');
    await catalogue.getProduct(1);
    await service.dispose();
    expect(await own.ping()).toBe('PONG');
    await own.quit();
  });
});

function waitForGone(key: string): Promise<void> {
  let gone = false;
  return waitFor(`${key} to expire in Redis`, () => gone, (wake) => {
    const timer = setInterval(() => keys.client.exists(key).then((count) => ((gone = count === 0), wake())), 20);
    return () => clearInterval(timer);
  });
}
