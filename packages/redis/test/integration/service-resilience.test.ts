import { Cache, CachingService, InvalidateCache, MemoryBackend } from '@cachet/core';
import { ManualScheduler } from '@cachet/core/testing';
import { RedisSynchronization } from '@cachet/redis';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis-url';
import { nextRemoteInvalidation } from '../support/service-instances';

const TTL = 60_000;

/** Prices over a database shared by the instances; each instance's connection to it can fail on its own. */
class Prices {
  databaseDown = false;

  constructor(private readonly database: Map<string, number>) {}

  @Cache({ ttl: TTL, failSafe: { maxStale: 3_600_000, throttle: 30_000 }, tags: (sku: string) => [`sku:${sku}`] })
  async price(sku: string): Promise<number> {
    if (this.databaseDown) throw new Error('database unreachable');
    return this.database.get(sku) ?? 0;
  }

  @InvalidateCache('price')
  async setPrice(sku: string, value: number): Promise<void> {
    this.database.set(sku, value);
  }
}

interface App {
  readonly service: CachingService;
  readonly prices: Prices;
}

beforeAll(() => assertRedisReachable());

describe('fail-safe over RedisSynchronization, two instances', () => {
  const scheduler = new ManualScheduler();
  const apps: App[] = [];
  let database: Map<string, number>;

  /** An instance on real Redis; its cache (not the bus) runs on the test's clock, so entries expire when the test says. */
  async function start(channel: string): Promise<App> {
    const service = CachingService.create({
      backend: new MemoryBackend({ clock: () => scheduler.now() }),
      scheduler,
      synchronization: new RedisSynchronization({ connection: REDIS_URL, channel }),
    });
    await service.initialize();
    const app = { service, prices: service.bind(new Prices(database)) };
    apps.push(app);
    return app;
  }

  beforeEach(() => {
    database = new Map([
      ['apple', 1],
      ['pear', 2],
    ]);
  });
  afterEach(() => Promise.all(apps.splice(0).map(({ service }) => service.dispose())));

  it.each([
    ['an expired', TTL + 1],
    ['a live', 0],
  ])('%s value invalidated from instance B is never served by fail-safe on A: A\'s callers get the error', async (_, age) => {
    const channel = uniqueChannel('resilience');
    const [a, b] = [await start(channel), await start(channel)];
    for (const sku of ['apple', 'pear']) {
      expect(await a.prices.price(sku)).toBe(database.get(sku));
      await b.prices.price(sku);
    }
    await scheduler.advance(age);

    const delivered = nextRemoteInvalidation(a.service);
    await b.prices.setPrice('apple', 5);
    await delivered;
    a.prices.databaseDown = true;

    await expect(a.prices.price('apple')).rejects.toThrow('database unreachable');
    await expect(a.prices.price('apple')).rejects.toThrow('database unreachable');
    // The key nobody invalidated still answers (from fail-safe once expired): the database being down is what fails.
    await expect(a.prices.price('pear')).resolves.toBe(2);

    a.prices.databaseDown = false;
    await expect(a.prices.price('apple')).resolves.toBe(5);
  });
});
