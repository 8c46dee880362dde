// The fault story: the database goes down, the app keeps answering from fail-safe values, and comes back
// fresh; a value invalidated before the outage is never served from fail-safe. In one process, on real time
// (a ttl of a few hundred milliseconds, so the story takes about two seconds).
import { Cache, CachingService, InProcessSynchronization, InvalidateCache } from '@cachet/core';
import type { Product, ProductDatabase } from './catalogue';
import { MapDatabase } from './databases';

const TTL_MS = 300;
const THROTTLE_MS = 500;

/** The shared database, with a switch that takes it down for every instance. */
class FlakyDatabase implements ProductDatabase {
  down = false;

  constructor(private readonly rows: ProductDatabase) {}

  get(id: number): Promise<Product | undefined> {
    return this.down ? Promise.reject(new Error('database unreachable')) : this.rows.get(id);
  }

  put(product: Product): Promise<void> {
    return this.down ? Promise.reject(new Error('database unreachable')) : this.rows.put(product);
  }
}

/** Prices, cached with the `resilient` profile: fail-safe for an hour past expiry, a 50 ms soft timeout. */
class PriceList {
  constructor(private readonly database: ProductDatabase) {}

  @Cache({ profile: 'resilient' })
  async getPrice(id: number): Promise<number | undefined> {
    return (await this.database.get(id))?.price;
  }

  @InvalidateCache('getPrice')
  async updatePrice(id: number, price: number): Promise<void> {
    const product = await this.database.get(id);
    if (product === undefined) throw new Error(`No product ${id}`);
    await this.database.put({ ...product, price });
  }
}

function instance(name: string, database: ProductDatabase, bus: InProcessSynchronization): { service: CachingService; prices: PriceList } {
  const service = CachingService.create({
    namespace: 'prices',
    synchronization: bus,
    profiles: { resilient: { ttl: TTL_MS, failSafe: { maxStale: 3_600_000, throttle: THROTTLE_MS }, timeout: { soft: 50, hard: 2_000 } } },
  });
  service.on('stale-served', (event) => console.log(`       ${name}  ↳ stale-served (${event.reason}): ${event.method} ${event.key}`));
  service.on('fail-safe', (event) => console.log(`       ${name}  ↳ fail-safe: the load failed with "${String((event.error as Error).message)}"`));
  return { service, prices: service.bind(new PriceList(database)) };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the story on two fresh instances over one flaky database. */
export async function faultStory(products: readonly Product[]): Promise<void> {
  const rows = new MapDatabase();
  for (const product of products) await rows.put(product);
  const database = new FlakyDatabase(rows);
  const bus = new InProcessSynchronization();
  const a = instance('A', database, bus);
  const b = instance('B', database, bus);
  await Promise.all([a.service.initialize(), b.service.initialize()]);
  let step = 0;
  const read = async (id: number): Promise<void> => {
    const label = `${String(++step).padStart(3)}  A  getPrice(${id})`;
    try {
      console.log(`${label} → ${String(await a.prices.getPrice(id))}`);
    } catch (error) {
      console.log(`${label} → error: ${(error as Error).message}`);
    }
  };
  try {
    console.log(`\nThe fault story (one process, ttl ${TTL_MS} ms, fail-safe for an hour past expiry, retry throttled to every ${THROTTLE_MS} ms):`);
    await read(1);
    await read(2);
    console.log(`${String(++step).padStart(3)}  B  updatePrice(2, 8.5) → invalidates getPrice(2) on A too`);
    const delivered = new Promise<void>((resolve) => {
      const off = a.service.on('invalidate', (event) => {
        if (event.source !== 'remote') return;
        off();
        resolve();
      });
    });
    await b.prices.updatePrice(2, 8.5);
    await delivered;

    console.log('\nThe database goes down; the cached prices expire:');
    database.down = true;
    await pause(TTL_MS + 50);
    await read(1); // fail-safe: the expired price answers
    await read(1); // throttled: the database is not asked again yet
    await read(2); // invalidated before the outage: the error, never the old 9.5

    console.log('\nThe database comes back (a nightly import set price 1 to 85 meanwhile); after the throttle, reads are fresh:');
    await rows.put({ ...(products[0] as Product), price: 85 });
    database.down = false;
    await pause(THROTTLE_MS + 50);
    await read(1);
    await read(2);
    const { resilience } = a.service.stats();
    console.log(`  A: ${resilience?.staleServed ?? 0} answers from expired values, of which ${resilience?.failSafe ?? 0} after a failed load`);
  } finally {
    await Promise.all([a.service.dispose(), b.service.dispose()]);
  }
}
