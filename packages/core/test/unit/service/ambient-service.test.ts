import { Cache, CachingService, InvalidateCache } from '@cachet/core';

/** Counts its loads, so a test sees which service answered. */
class Catalogue {
  loads = 0;
  warmed: number | undefined;

  @Cache()
  async getProduct(id: number): Promise<string> {
    this.loads++;
    return `product ${id}`;
  }

  @InvalidateCache('getProduct')
  async renameProduct(id: number): Promise<number> {
    return id;
  }
}

/** Calls a cached method from its constructor, before anyone could bind it. */
class WarmedCatalogue extends Catalogue {
  readonly ready: Promise<string>;

  constructor() {
    super();
    this.ready = this.getProduct(1);
  }
}

const services: CachingService[] = [];
function service(): CachingService {
  const created = CachingService.create({});
  services.push(created);
  return created;
}

let fallback: CachingService;
beforeEach(() => {
  CachingService.default = fallback = service();
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((each) => each.dispose()));
});

describe('CachingService.run: an ambient service', () => {
  it('serves cached calls made inside it, constructors and later asynchronous work included, instead of the default', async () => {
    const first = service();
    const second = service();
    const [one, two] = [first, second].map((ambient) => ambient.run(() => new WarmedCatalogue()));
    await Promise.all([one?.ready, two?.ready]);
    // The same call, in two contexts: one entry in each service, none in the default.
    await first.run(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await one?.getProduct(1);
    });
    await second.run(() => two?.getProduct(1));
    expect([first.stats().entries, second.stats().entries, fallback.stats().entries]).toEqual([1, 1, 0]);
    expect([one?.loads, two?.loads]).toEqual([1, 1]);
  });

  it('drops entries of the ambient service when a mutator runs inside it', async () => {
    const ambient = service();
    const catalogue = new Catalogue();
    await ambient.run(() => catalogue.getProduct(3));
    await ambient.run(() => catalogue.renameProduct(3));
    expect(ambient.stats().entries).toBe(0);
  });

  it('gives way to a bound service, and outside run() calls use the default again', async () => {
    const ambient = service();
    const bound = service();
    const catalogue = bound.bind(new Catalogue());
    await ambient.run(() => catalogue.getProduct(1));
    await new Catalogue().getProduct(1);
    expect([ambient.stats().entries, bound.stats().entries, fallback.stats().entries]).toEqual([0, 1, 1]);
  });

  it('returns what the function returns, and nests: the innermost run() wins', () => {
    const outer = service();
    const inner = service();
    const catalogue = new Catalogue();
    const result = outer.run(() => inner.run(() => catalogue.getProduct(5)));
    expect(result).toBeInstanceOf(Promise);
    return result.then(() => expect([outer.stats().entries, inner.stats().entries]).toEqual([0, 1]));
  });
});
