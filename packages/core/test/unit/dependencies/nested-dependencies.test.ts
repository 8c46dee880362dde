import { Cache, CacheKey, CachingContext, CachingService, InProcessSynchronization, InvalidateCache, MemoryBackend } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { deferred } from '../support/deferred';


class Product {
  @CacheKey() id: number;
  constructor(id: number, public price: number) {
    this.id = id;
  }
}

/** Three levels: order total → order lines → product price, with tags and object dependencies. */
class Shop {
  readonly prices = new Map<number, number>([[1, 10], [2, 20]]);
  readonly orders = new Map<number, { customer: number; lines: [product: number, quantity: number][] }>([
    [100, { customer: 7, lines: [[1, 2], [2, 1]] }],
  ]);
  readonly discounts = new Map<number, number>([[7, 0]]);
  readonly loads = { total: 0, lines: 0, price: 0 };
  gate: Promise<void> | undefined;

  @Cache({ tags: (id: number) => [`product:${id}`] })
  async getPrice(id: number): Promise<number> {
    this.loads.price++;
    await this.gate;
    return this.prices.get(id) ?? 0;
  }

  @Cache()
  async getLineAmounts(orderId: number): Promise<number[]> {
    this.loads.lines++;
    const order = this.orders.get(orderId);
    return Promise.all((order?.lines ?? []).map(async ([product, quantity]) => (await this.getPrice(product)) * quantity));
  }

  @Cache()
  async getOrderTotal(orderId: number): Promise<number> {
    this.loads.total++;
    const order = this.orders.get(orderId);
    if (order === undefined) return 0;
    CachingContext.current.addDependency(`customer:${order.customer}`);
    const amounts = await this.getLineAmounts(orderId);
    return amounts.reduce((sum, amount) => sum + amount, 0) - (this.discounts.get(order.customer) ?? 0);
  }

  @InvalidateCache({ tags: (id: number) => [`product:${id}`] })
  async setPrice(id: number, price: number): Promise<void> {
    this.prices.set(id, price);
  }

  @InvalidateCache('getLineAmounts')
  async addLine(orderId: number, product: number, quantity: number): Promise<void> {
    this.orders.get(orderId)?.lines.push([product, quantity]);
  }
}

let service: CachingService;
let shop: Shop;

beforeEach(async () => {
  service = CachingService.create({});
  shop = service.bind(new Shop());
});
afterEach(() => service.dispose());

describe('dependencies of nested cached calls', () => {
  it('drops every level above an invalidated tag, however deep', async () => {
    expect(await shop.getOrderTotal(100)).toBe(40);
    await shop.setPrice(1, 15);
    expect(await shop.getOrderTotal(100)).toBe(50);
    expect(shop.loads).toEqual({ total: 2, lines: 2, price: 3 });
  });

  it('drops the callers of an invalidated method, at the middle level', async () => {
    expect(await shop.getOrderTotal(100)).toBe(40);
    await shop.addLine(100, 2, 1);
    expect(await shop.getOrderTotal(100)).toBe(60);
    // The prices were not invalidated: they are hits now.
    expect(shop.loads).toEqual({ total: 2, lines: 2, price: 2 });
  });

  it('drops only the top level for a dependency it declared itself', async () => {
    expect(await shop.getOrderTotal(100)).toBe(40);
    shop.discounts.set(7, 5);
    await service.invalidateTags('customer:7');
    expect(await shop.getOrderTotal(100)).toBe(35);
    expect(shop.loads).toEqual({ total: 2, lines: 1, price: 2 });
  });

  it('propagates dependencies on hits, not only on misses', async () => {
    await shop.getLineAmounts(100); // the middle level is cached before the top level ever runs
    expect(await shop.getOrderTotal(100)).toBe(40);
    await shop.setPrice(2, 30);
    expect(await shop.getOrderTotal(100)).toBe(50);
  });

  it('keeps the callers coherent when the callee entry was evicted before its tag was invalidated', async () => {
    const small = CachingService.create({ backend: new MemoryBackend({ maxEntries: 3 }) });
    const evicting = small.bind(new Shop());
    expect(await evicting.getOrderTotal(100)).toBe(40);
    // Fill the cache so that the price entries are pushed out, leaving the total.
    await small.getOrSet('a', () => 1);
    await small.getOrSet('b', () => 2);
    await evicting.setPrice(1, 15);
    expect(await evicting.getOrderTotal(100)).toBe(50);
    await small.dispose();
  });

  it('drops results depending on an object, by the object\'s @CacheKey identity', async () => {
    class Pricing {
      loads = 0;
      @Cache() async quote(productId: number): Promise<number> {
        this.loads++;
        CachingContext.current.addObjectDependency(new Product(productId, 0));
        return productId * 2;
      }
    }
    const pricing = service.bind(new Pricing());
    await pricing.quote(1);
    await pricing.quote(2);
    await service.invalidateObject(new Product(1, 999));
    await pricing.quote(1);
    await pricing.quote(2);
    expect(pricing.loads).toBe(3);
  });

  it('shares nested loads between concurrent callers and gives each its dependencies', async () => {
    const gate = deferred();
    shop.gate = gate.promise;
    const totals = Promise.all([shop.getOrderTotal(100), shop.getOrderTotal(100), shop.getLineAmounts(100)]);
    gate.resolve();
    expect(await totals).toEqual([40, 40, [20, 20]]);
    expect(shop.loads).toEqual({ total: 1, lines: 1, price: 2 });
    await shop.setPrice(1, 15);
    expect(await shop.getOrderTotal(100)).toBe(50);
    expect(await shop.getLineAmounts(100)).toEqual([30, 20]);
  });

  it('does not store a result whose nested dependency was invalidated while it loaded (the fence)', async () => {
    const gate = deferred();
    shop.gate = gate.promise;
    const stale = shop.getOrderTotal(100);
    // The price loads are waiting at the gate; the price changes and is invalidated meanwhile.
    await shop.setPrice(1, 15);
    gate.resolve();
    await stale; // the racing load returns to its caller whatever it read...
    shop.gate = undefined;
    expect(await shop.getOrderTotal(100)).toBe(50); // ...but did not store it.
  });

  it('does not propagate dependencies out of suspended work', async () => {
    class Reporter {
      @Cache() async summary(): Promise<string> {
        await CachingContext.suspend(() => shop.getPrice(1));
        return 'summary';
      }
    }
    const reporter = service.bind(new Reporter());
    await reporter.summary();
    await shop.setPrice(1, 11);
    const before = service.stats().misses;
    await reporter.summary();
    expect(service.stats().misses).toBe(before);
  });

  it('ignores the context outside cached methods', () => {
    expect(CachingContext.current.active).toBe(false);
    expect(() => CachingContext.current.addDependency('x')).not.toThrow();
  });

  it('follows mutually recursive cached methods', async () => {
    class Recursive {
      @Cache() async a(depth: number): Promise<number> {
        return depth > 0 ? (await this.b(depth - 1)) + 1 : 0;
      }
      @Cache() async b(depth: number): Promise<number> {
        return depth > 0 ? (await this.a(depth - 1)) + 1 : 0;
      }
    }
    const recursive = service.bind(new Recursive());
    // a(2) → b(1) → a(0), and b(2) → a(1) → b(0): two chains of three entries.
    await recursive.a(2);
    await recursive.b(2);
    await service.invalidate(() => recursive.a(0));
    expect(service.stats().entries).toBe(3);
    await service.invalidate(() => recursive.b(0));
    expect(service.stats().entries).toBe(0);
  });

  it('survives a cycle in the dependency graph', async () => {
    const backend = new MemoryBackend();
    backend.set('x', 1, { dependencies: ['y'] });
    backend.set('y', 2, { dependencies: ['z'] });
    backend.set('z', 3, { dependencies: ['x'] });
    backend.set('other', 4, {});
    expect(backend.invalidate(['x'], []).sort()).toEqual(['x', 'y', 'z']);
    expect(backend.size).toBe(1);
  });

  it('sends dependency invalidations to the other instances', async () => {
    const bus = new InProcessSynchronization();
    const [first, second] = [CachingService.create({ synchronization: bus }), CachingService.create({ synchronization: bus })];
    await Promise.all([first.initialize(), second.initialize()]);
    const [shopA, shopB] = [first.bind(new Shop()), second.bind(new Shop())];
    await shopA.getOrderTotal(100);
    await shopB.getOrderTotal(100);
    const delivered = nextEvent(second, 'invalidate', (event) => event.source === 'remote');
    await shopA.setPrice(1, 15);
    expect((await delivered).removed).toBe(3);
    shopB.prices.set(1, 15);
    expect(await shopB.getOrderTotal(100)).toBe(50);
    await Promise.all([first.dispose(), second.dispose()]);
  });
});

describe('the dependency index of the memory backend', () => {
  it('does not grow over 100,000 insert/evict cycles', () => {
    const backend = new MemoryBackend({ maxEntries: 100 });
    for (let i = 0; i < 100_000; i++) backend.set(`key ${i}`, i, { dependencies: [`tag ${i}`, `tag ${i % 7}`, 'shared'] });
    expect(backend.size).toBe(100);
    expect(backend.indexSize.keys).toBe(100);
    expect(backend.indexSize.dependencies).toBeLessThanOrEqual(100 + 7 + 1);
  });
});
