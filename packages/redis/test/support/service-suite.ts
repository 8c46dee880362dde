import type { SynchronizationTransport } from '@cachet/core';
import { disposeInstances, nextEvent, nextRemoteInvalidation, startServices, warm, type Instance } from './service-instances';

let busCounter = 0;

/** Operations of the randomized coherence test. */
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

/**
 * Declares the service-level tests every transport package runs against its real server: decorated
 * methods on two and three instances kept coherent through keys, tags and clear, and a load racing a
 * remote invalidation, and a randomized run of writes and reads on three instances (replay one with
 * `COHERENCE_SEED`). `createTransport(bus)` must return transports that reach each other when given the
 * same bus name (at most 40 characters of `[a-z0-9-]`).
 */
export function describeServiceSynchronization(name: string, createTransport: (bus: string) => SynchronizationTransport): void {
  let store: Map<string, number>;
  let bus: string;
  const start = (count: number): Promise<Instance[]> => startServices(count, store, () => createTransport(bus));

  describe(`CachingService over ${name}`, () => {
    beforeEach(() => {
      store = new Map([
        ['apple', 1],
        ['pear', 2],
      ]);
      bus = `cachet-svc-${process.pid}-${++busCounter}-${Math.random().toString(36).slice(2, 8)}`;
    });
    afterEach(() => disposeInstances());

    it.each([2, 3])('propagates an @InvalidateCache update from each of %i instances to the others', async (count) => {
      const instances = await start(count);
      for (const [round, writer] of instances.entries()) {
        await warm(instances, 'apple');
        const delivered = instances.filter((other) => other !== writer).map(({ service }) => nextRemoteInvalidation(service));
        await writer.inventory.setStock('apple', 10 + round);
        await Promise.all(delivered);
        for (const { inventory } of instances) await expect(inventory.stock('apple')).resolves.toBe(10 + round);
      }
    });

    it.each([2, 3])('propagates service.invalidate() of one key across %i instances, and leaves other keys cached', async (count) => {
      const [writer, ...readers] = (await start(count)) as [Instance, ...Instance[]];
      await warm([writer, ...readers], 'apple');
      await warm([writer, ...readers], 'pear');
      store.set('apple', 11);
      store.set('pear', 22);
      const delivered = readers.map(({ service }) => nextRemoteInvalidation(service));

      await writer.service.invalidate(() => writer.inventory.stock('apple'));
      await Promise.all(delivered);

      for (const { inventory } of readers) {
        await expect(inventory.stock('apple')).resolves.toBe(11);
        await expect(inventory.stock('pear')).resolves.toBe(2);
      }
    });

    it.each([2, 3])('propagates a tag invalidation, then clear(), across %i instances', async (count) => {
      const instances = await start(count);
      const [first, last] = [instances[0] as Instance, instances.at(-1) as Instance];
      await warm(instances, 'apple');
      await warm(instances, 'pear');
      store.set('apple', 12);
      store.set('pear', 23);

      const tagged = instances.slice(1).map(({ service }) => nextRemoteInvalidation(service));
      await first.service.invalidateTags('sku:apple');
      expect((await Promise.all(tagged)).map((event) => event.dependencies)).toEqual(instances.slice(1).map(() => ['sku:apple']));
      for (const { inventory } of instances.slice(1)) {
        await expect(inventory.stock('apple')).resolves.toBe(12);
        await expect(inventory.stock('pear')).resolves.toBe(2);
      }

      const cleared = instances.slice(0, -1).map(({ service }) => nextRemoteInvalidation(service));
      await last.service.clear();
      expect((await Promise.all(cleared)).map((event) => event.all)).toEqual(instances.slice(0, -1).map(() => true));
      for (const { inventory } of instances.slice(0, -1)) await expect(inventory.stock('pear')).resolves.toBe(23);
    });

    it.each([
      ['@InvalidateCache', (b: Instance) => b.inventory.setStock('apple', 2)],
      ['a tag invalidation', (b: Instance) => b.service.invalidateTags('sku:apple')],
      ['clear()', (b: Instance) => b.service.clear()],
    ])('does not let A keep the stale value when B invalidates by %s mid-load', async (_label, invalidate) => {
      const [a, b] = (await start(2)) as [Instance, Instance];
      store.set('apple', 1);

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
      expect(a.inventory.loads).toBe(2);
    });

    const seed = Number(process.env['COHERENCE_SEED'] ?? Date.now() % 100_000);
    it(`returns the new value on every instance once a write's invalidation reached them all, in ${OPERATIONS} random operations on three (seed ${seed})`, async () => {
      store = new Map(SKUS.map((sku) => [sku, 0]));
      const instances = await start(3);
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
      let writes = 0;

      for (let operation = 0; operation < OPERATIONS; operation++) {
        if (next() < 0.2) {
          const instance = pick(instances);
          const sku = pick(SKUS);
          const delivered = instances.filter((other) => other !== instance).map(({ service }) => nextRemoteInvalidation(service));
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
}
