import { Cache, CachingService } from '@cachet/core';
import { CachetModule } from '@cachet/nestjs';
import { Controller, Get, Injectable, type OnModuleInit, Param, ParseIntPipe, Scope } from '@nestjs/common';
import { catalogueModule, CatalogueService, get, ProductTable, type RunningApp, startApp } from '../support/catalogue-app';

/** A provider made for each injection: a fresh one per request below, and one at bootstrap for the singleton. */
@Injectable({ scope: Scope.TRANSIENT })
class PriceList {
  runs = 0;
  @Cache()
  async price(id: number): Promise<number> {
    this.runs++;
    return id * 10;
  }
}

/** Made for each request, and calls a cached method from its constructor. */
@Injectable({ scope: Scope.REQUEST })
class RequestCatalogue {
  readonly warmed: Promise<string>;

  constructor(readonly prices: PriceList) {
    this.warmed = this.label(1);
  }

  @Cache()
  async label(id: number): Promise<string> {
    return `product ${id} at ${await this.prices.price(id)}`;
  }
}

@Controller({ path: 'request', scope: Scope.REQUEST })
class RequestController {
  constructor(private readonly catalogue: RequestCatalogue) {}

  @Get(':id')
  async get(@Param('id', ParseIntPipe) id: number): Promise<string> {
    await this.catalogue.warmed;
    return this.catalogue.label(id);
  }
}

/** A singleton that warms the cache in onModuleInit, on itself and through another provider. */
@Injectable()
class Warmer implements OnModuleInit {
  constructor(
    private readonly catalogue: CatalogueService,
    readonly prices: PriceList,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.catalogue.getProduct(2);
    await this.prices.price(2);
  }
}

/**
 * A singleton whose constructor calls cached methods: nothing is bound before a bootstrap constructor runs,
 * so it runs them inside its application's service (which it injects).
 */
@Injectable()
class SelfWarming {
  readonly warmed: Promise<string>;

  constructor(caching: CachingService) {
    this.warmed = caching.run(() => this.greeting('constructor'));
  }

  @Cache()
  async greeting(from: string): Promise<string> {
    return `hello from ${from}`;
  }
}

let processDefault: CachingService;
const apps: RunningApp[] = [];
beforeAll(async () => {
  CachingService.default = processDefault = CachingService.create({});
  const module = catalogueModule(new ProductTable(), CachetModule.forRoot(), { providers: [PriceList, RequestCatalogue, Warmer, SelfWarming], controllers: [RequestController] });
  apps.push(await startApp(module), await startApp(module));
});
afterAll(async () => {
  await Promise.all(apps.map(({ app }) => app.close()));
  await processDefault.dispose();
});

/** Entries of each application's service and of the process default. */
function entries(): number[] {
  return [...apps.map(({ service }) => service.stats().entries), processDefault.stats().entries];
}

describe('cached methods of every kind of provider use their own application service', () => {
  it('in onModuleInit, on a singleton and on the transient instance made for it', () => {
    // Each application holds getProduct(2) and price(2), and nothing reached the process default.
    expect(entries()).toEqual([3, 3, 0]);
  });

  it('in a singleton constructor that runs its calls inside the injected service', async () => {
    const [first, second] = apps.map(({ app }) => app.get(SelfWarming));
    expect(await first?.warmed).toBe('hello from constructor');
    await second?.warmed;
    await first?.greeting('constructor');
    expect(apps.map(({ service }) => service.stats().hits)).toEqual([1, 0]);
  });

  it('in request-scoped providers, their constructors, and the transient providers made for each request', async () => {
    const [first, second] = apps;
    const before = entries();
    expect(await get(`${first?.url}/request/3`)).toBe('product 3 at 30');
    // label(1) from the constructor, label(3) and price(1), price(3) from the request: all in the first application.
    expect(entries()).toEqual([(before[0] ?? 0) + 4, before[1], 0]);
    expect(await get(`${second?.url}/request/3`)).toBe('product 3 at 30');
    expect(entries()).toEqual([(before[0] ?? 0) + 4, (before[1] ?? 0) + 4, 0]);
    // A second request is served from the first application's cache, though its objects are new.
    const hits = first?.service.stats().hits ?? 0;
    await get(`${first?.url}/request/3`);
    expect((first?.service.stats().hits ?? 0) - hits).toBe(2);
  });
});
