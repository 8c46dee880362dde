import { AsyncLocalStorage } from 'node:async_hooks';
import { deferred } from '../support/deferred';

type Core = typeof import('@cachet/core');

/**
 * A load that starts while no other is open runs without the AsyncLocalStorage (it costs ~0.6 µs a miss);
 * whatever that leaves unplaced is counted in that load. These tests need a module whose switch to the
 * storage has not happened yet: each loads its own copy of the package.
 */
function freshCore(): Core {
  let core!: Core;
  jest.isolateModules(() => {
    core = require('@cachet/core') as Core;
  });
  return core;
}

function shopClass({ Cache, CachingContext }: Core) {
  class Shop {
    readonly prices = new Map<number, number>([[1, 10], [2, 20]]);
    readonly loads = { price: 0, total: 0, report: 0, tagged: 0 };
    gate: Promise<void> | undefined;

    @Cache({ tags: (id: number) => [`product:${id}`] })
    async getPrice(id: number): Promise<number> {
      this.loads.price++;
      await this.gate;
      return this.prices.get(id) ?? 0;
    }

    /** Calls getPrice only after an await: placed by the storage, or by elimination. */
    @Cache()
    async getTotal(a: number, b: number): Promise<number> {
      this.loads.total++;
      await Promise.resolve();
      return (await this.getPrice(a)) + (await this.getPrice(b));
    }

    @Cache()
    async getTagged(id: number): Promise<number> {
      this.loads.tagged++;
      await Promise.resolve();
      CachingContext.current.addDependency(`tag:${id}`);
      return id;
    }

    /** Reads a price detached from its own entry, after an await, both in its body and in the detached work. */
    @Cache()
    async getReport(id: number): Promise<string> {
      this.loads.report++;
      await Promise.resolve();
      await CachingContext.suspend(async () => {
        await Promise.resolve();
        return this.getPrice(id);
      });
      return `report ${id}`;
    }
  }
  return Shop;
}

/** Lets the event loop turn once: where the context notices that no load is open. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function started(core: Core) {
  const service = core.CachingService.create();
  await service.initialize();
  const shop = service.bind(new (shopClass(core))());
  return { service, shop };
}

describe('a load that runs alone', () => {
  let run: jest.SpiedFunction<AsyncLocalStorage<unknown>['run']>;

  beforeEach(() => {
    // Observed, not replaced.
    run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('does not enter the AsyncLocalStorage in an awaited loop of misses, and caches each result', async () => {
    const { service, shop } = await started(freshCore());
    for (let id = 0; id < 50; id++) await shop.getPrice(id);
    for (let id = 0; id < 50; id++) await shop.getPrice(id);
    expect(shop.loads.price).toBe(50);
    expect(run).not.toHaveBeenCalled();
    await service.dispose();
  });

  it('passes on a nested call made after an await, and has later loads enter the storage until the process is idle', async () => {
    const { service, shop } = await started(freshCore());
    expect(await shop.getTotal(1, 2)).toBe(30);
    shop.prices.set(1, 11);
    await service.invalidateTags('product:1');
    expect(await shop.getTotal(1, 2)).toBe(31);
    expect(shop.loads.total).toBe(2);
    // Until the event loop turns with no load open, a load that runs alone enters the storage too...
    run.mockClear();
    await shop.getPrice(3);
    expect(run).toHaveBeenCalledTimes(1);
    // ...and not after.
    await nextMacrotask();
    run.mockClear();
    await shop.getPrice(4);
    expect(run).not.toHaveBeenCalled();
    await service.dispose();
  });

  it('takes CachingContext dependencies added after an await', async () => {
    const { service, shop } = await started(freshCore());
    await shop.getTagged(1);
    await shop.getTagged(1);
    expect(shop.loads.tagged).toBe(1);
    await service.invalidateTags('tag:1');
    await shop.getTagged(1);
    expect(shop.loads.tagged).toBe(2);
    await service.dispose();
  });

  it('gives nothing to a load of its own from suspended work', async () => {
    const { service, shop } = await started(freshCore());
    await shop.getReport(1);
    await service.invalidateTags('product:1');
    await shop.getReport(1);
    expect(shop.loads.report).toBe(1);
    expect(shop.loads.price).toBe(1);
    await service.dispose();
  });

  it('counts a call from elsewhere made while it awaits in its own entry (dropped more often, never kept too long), for that load only', async () => {
    const { service, shop } = await started(freshCore());
    await shop.getPrice(2);
    const gate = deferred();
    shop.gate = gate.promise;
    const lone = shop.getPrice(1);
    shop.gate = undefined;
    // Another caller's hit while getPrice(1) awaits: nothing tells it apart from getPrice(1)'s own calls.
    expect(await shop.getPrice(2)).toBe(20);
    gate.resolve();
    expect(await lone).toBe(10);
    await service.invalidateTags('product:2');
    await shop.getPrice(1);
    expect(shop.loads.price).toBe(3);

    // Loads run in the storage from then on (the event loop has not turned idle): the same interleaving
    // leaves getPrice(1)'s entry alone.
    const again = deferred();
    shop.gate = again.promise;
    const tracked = shop.getPrice(1);
    shop.gate = undefined;
    await shop.getPrice(2);
    again.resolve();
    await tracked;
    await service.invalidateTags('product:2');
    await shop.getPrice(1);
    expect(shop.loads.price).toBe(4);
    await service.dispose();
  });
});
