import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis-url';
import { disposeInstances, nextRemoteInvalidation, startInstances, type Instance } from '../support/services';

const OPERATIONS = 3_000;
const SKUS = Array.from({ length: 20 }, (_, i) => `sku-${i}`);

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(() => assertRedisReachable());
afterEach(() => disposeInstances());

describe('randomized coherence across three instances', () => {
  const seed = Number(process.env['COHERENCE_SEED'] ?? Date.now() % 100_000);

  it(`every read after a write's invalidation reached every instance returns the new value (seed ${seed})`, async () => {
    const store = new Map(SKUS.map((sku) => [sku, 0]));
    const instances = await startInstances(3, store, { connection: REDIS_URL, channel: uniqueChannel('coherence') });
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    let writes = 0;

    for (let operation = 0; operation < OPERATIONS; operation++) {
      if (next() < 0.2) {
        const instance: Instance = pick(instances);
        const sku = pick(SKUS);
        const others = instances.filter((other) => other !== instance);
        const delivered = others.map(({ service }) => nextRemoteInvalidation(service));
        await instance.inventory.setStock(sku, ++writes);
        await Promise.all(delivered);
      } else {
        // A burst of concurrent reads on random instances, all issued after the last write was delivered.
        const reads = Array.from({ length: 1 + Math.floor(next() * 5) }, () => [pick(instances), pick(SKUS)] as const);
        const values = await Promise.all(reads.map(([reader, readSku]) => reader.inventory.stock(readSku)));
        expect(values).toEqual(reads.map(([, readSku]) => store.get(readSku)));
      }
    }

    const hits = instances.reduce((sum, { service }) => sum + service.stats().hits, 0);
    expect(hits).toBeGreaterThan(0); // the caches were really used, not bypassed
  });
});
