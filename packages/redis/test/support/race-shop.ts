import { Cache, CachingService, InvalidateCache } from '@cachet/core';
import { RedisL2, RedisSynchronization } from '@cachet/redis';
import { Redis } from 'ioredis';

/**
 * The cached class of the cross-process fence race, loaded by the test and by its child process: rows read
 * from a Redis hash standing in for the database both processes share. `getSlow` waits, after reading,
 * until the test lets it finish.
 */
export class RaceShop {
  /** Lets the held `getSlow` load return; set while one is held. */
  release: (() => void) | undefined;
  /** Called once a held load has read its row. */
  onRead: (() => void) | undefined;

  constructor(
    private readonly db: Redis,
    private readonly table: string,
  ) {}

  @Cache({ tags: (id: number) => [`row:${id}`] })
  async getInner(id: number): Promise<string | null> {
    return this.db.hget(this.table, String(id));
  }

  /** Built on `getInner`: a nested cached call, whose entry depends on the inner one. */
  @Cache()
  async getOuter(id: number): Promise<string> {
    return `outer of ${String(await this.getInner(id))}`;
  }

  @Cache()
  async getSlow(id: number): Promise<string | null> {
    const row = await this.db.hget(this.table, String(id));
    const released = new Promise<void>((resolve) => (this.release = resolve));
    this.onRead?.();
    await released;
    return row;
  }

  @InvalidateCache('getInner')
  async updateInner(id: number, value: string): Promise<void> {
    await this.db.hset(this.table, String(id), value);
  }

  @InvalidateCache('getSlow')
  async updateSlow(id: number, value: string): Promise<void> {
    await this.db.hset(this.table, String(id), value);
  }
}

/** What both processes need to build one instance. */
export interface RaceSetup {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly keyPrefix: string;
  readonly table: string;
  /** Where the instance's bus connects (a proxy the test can stall); RedisL2's own bus when absent. */
  readonly busUrl?: string;
}

/** One instance of the race: a caching service over RedisL2 and a RaceShop bound to it. */
export async function startRaceInstance(setup: RaceSetup): Promise<{ service: CachingService; shop: RaceShop; close(): Promise<void> }> {
  const { redisUrl, namespace, keyPrefix, table, busUrl } = setup;
  const service = CachingService.create({
    namespace,
    l2: new RedisL2({ connection: redisUrl, keyPrefix }),
    ...(busUrl === undefined ? {} : { synchronization: new RedisSynchronization({ connection: busUrl }) }),
  });
  await service.initialize();
  const db = new Redis(redisUrl);
  return {
    service,
    shop: service.bind(new RaceShop(db, table)),
    close: async () => {
      await service.dispose();
      await db.quit();
    },
  };
}
