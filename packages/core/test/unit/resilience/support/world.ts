import { Cache, CachingContext, CachingService, type CachingEvents, InProcessSynchronization, MemoryBackend } from '@cachet/core';
import { FaultInjectingTransport, ManualScheduler, nextEvent } from '@cachet/core/testing';
import { type Deferred, deferred, flushMicrotasks } from '../../support/deferred';

export const TTL = 1_000;
export const MAX_STALE = 10_000;
export const THROTTLE = 500;
export const SOFT = 100;
export const HARD = 2_000;

const tags = (sku: string): string[] => [`sku:${sku}`];

/** How the database answers a load: at once, with an error, or once the test opens {@link Prices.gate}. */
export type Mode = 'ok' | 'fail' | 'slow';

/** Cached prices over a shared database, one method per resilience option. */
export class Prices {
  mode: Mode = 'ok';
  gate: Deferred<void> = deferred();
  /** Loads of the resilient methods (the nested `base` is not counted). */
  loads = 0;

  constructor(readonly db: Map<string, number>) {}

  @Cache({ ttl: TTL, tags, failSafe: { maxStale: MAX_STALE, throttle: THROTTLE } })
  failSafe(sku: string): Promise<number> {
    return this.load(sku);
  }

  @Cache({ ttl: TTL, tags, failSafe: { maxStale: MAX_STALE, throttle: 0 }, timeout: { soft: SOFT, hard: HARD } })
  timed(sku: string): Promise<number> {
    return this.load(sku);
  }

  @Cache({ ttl: TTL, tags, timeout: { hard: HARD } })
  hardOnly(sku: string): Promise<number> {
    return this.load(sku);
  }

  @Cache({ ttl: TTL, tags, eagerRefresh: 0.8 })
  eager(sku: string): Promise<number> {
    return this.load(sku);
  }

  @Cache({ ttl: TTL, tags, autoReload: true })
  reloaded(sku: string): Promise<number> {
    return this.load(sku);
  }

  @Cache({ profile: 'resilient', tags })
  profiled(sku: string): Promise<number> {
    return this.load(sku);
  }

  @Cache({ ttl: TTL, failSafe: { maxStale: MAX_STALE } })
  syncPrice(sku: string): number {
    this.loads++;
    if (this.mode === 'fail') throw new Error(`database down (${sku})`);
    return this.db.get(sku) ?? 0;
  }

  /** Lets the held loads finish (the database answers at once from now on), and their results land. */
  async release(): Promise<void> {
    this.mode = 'ok';
    this.gate.resolve();
    await flushMicrotasks();
  }

  /** A nested cached call: every price depends on it, so invalidating it drops them (dependency). */
  @Cache()
  async base(sku: string): Promise<string> {
    return sku;
  }

  private async load(sku: string): Promise<number> {
    this.loads++;
    // Read when the load begins, as a query would: a write after that makes the result stale.
    const value = this.db.get(sku) ?? 0;
    const slow = this.mode === 'slow';
    CachingContext.current.addObjectDependency({ sku });
    await this.base(sku);
    if (slow) await this.gate.promise;
    if (this.mode === 'fail') throw new Error(`database down (${sku})`);
    return value;
  }
}

/** The resilient methods of {@link Prices} that return promises. */
export type PriceMethod = 'failSafe' | 'timed' | 'hardOnly' | 'eager' | 'reloaded' | 'profiled';

export interface Instance {
  readonly service: CachingService;
  readonly prices: Prices;
}

/**
 * Two instances on one bus (instance `a` through a link the test can cut), on one fake clock. Fails the
 * test, at {@link World.dispose}, if anything left an unhandled rejection (background loads must not).
 */
export class World {
  readonly scheduler = new ManualScheduler();
  readonly db = new Map<string, number>([['1', 10]]);
  readonly bus = new InProcessSynchronization();
  readonly link = new FaultInjectingTransport(this.bus);
  private readonly services: CachingService[] = [];
  private readonly unhandled: unknown[] = [];
  private readonly onUnhandled = (reason: unknown): void => {
    this.unhandled.push(reason);
  };

  constructor() {
    process.on('unhandledRejection', this.onUnhandled);
  }

  async instance(transport: FaultInjectingTransport | InProcessSynchronization = this.bus, maxEntries?: number): Promise<Instance> {
    const service = CachingService.create({
      backend: new MemoryBackend({ clock: () => this.scheduler.now(), ...(maxEntries === undefined ? {} : { maxEntries }) }),
      scheduler: this.scheduler,
      synchronization: { transport, heartbeatIntervalMs: 0 },
      profiles: { resilient: { ttl: TTL, failSafe: { maxStale: MAX_STALE } } },
    });
    this.services.push(service);
    await service.initialize();
    const prices = service.bind(new Prices(this.db));
    return { service, prices };
  }

  /** Instance `a` (behind the link) and `b`. */
  async pair(): Promise<[Instance, Instance]> {
    return [await this.instance(this.link), await this.instance()];
  }

  advance(ms: number): Promise<void> {
    return this.scheduler.advance(ms);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.services.splice(0).map((service) => service.dispose()));
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', this.onUnhandled);
    if (this.unhandled.length > 0) throw new Error(`unhandled rejections: ${this.unhandled.map(String).join('; ')}`);
  }
}

/** Every event of `name` the service emits from now on. */
export function record<E extends keyof CachingEvents>(service: CachingService, name: E): CachingEvents[E][] {
  const seen: CachingEvents[E][] = [];
  service.on(name, (event) => seen.push(event));
  return seen;
}

/** One way an entry gets invalidated; `a` holds the entry of `prices[method]('1')`. */
export interface InvalidationKind {
  readonly name: string;
  run(world: World, a: Instance, b: Instance, method: PriceMethod): Promise<void>;
}

const remote = (event: { source: string }): boolean => event.source === 'remote';

export const INVALIDATION_KINDS: readonly InvalidationKind[] = [
  { name: 'local invalidate', run: (_, a, __, method) => a.service.invalidate(() => a.prices[method]('1')) },
  {
    name: 'remote invalidate',
    async run(_, a, b, method) {
      const delivered = nextEvent(a.service, 'invalidate', remote);
      await b.service.invalidate(() => b.prices[method]('1'));
      await delivered;
    },
  },
  { name: 'tag', run: (_, a) => a.service.invalidateTags('sku:1') },
  { name: 'dependency', run: (_, a) => a.service.invalidate(() => a.prices.base('1')) },
  { name: 'object dependency', run: (_, a) => a.service.invalidateObject({ sku: '1' }) },
  { name: 'clear', run: (_, a) => a.service.clear() },
  {
    name: 'gap recovery',
    async run(world, a) {
      const gap = nextEvent(a.service, 'gap');
      world.link.disconnect(new Error('link cut'));
      world.link.restore();
      await gap;
    },
  },
  {
    name: 'refresh',
    async run(_, a, __, method) {
      // The refresh's own load runs as the database is now; only its start matters here.
      a.service.refresh(() => a.prices[method]('1')).catch(() => undefined);
    },
  },
];
