import { Redis } from 'ioredis';
import { RaceProcess } from '../support/race-process';
import { type RaceSetup, startRaceInstance } from '../support/race-shop';
import { RedisKeys } from '../support/redis-keys';
import { assertRedisReachable, REDIS_URL } from '../support/redis-url';
import { TcpProxy } from '../support/tcp-proxy';

// The cross-instance fence, with two processes: instance A in a child process, whose bus goes through a
// proxy the test stalls (so A learns of B's invalidations only when the test lets it), and instance B here.
// Whatever A's memory believes, Redis refuses A's stores that the versions show to be stale, so no instance
// is ever served them from Redis. See /work/shared/notes/l2-coherence.md, hazards 1 and 2.
const keyPrefix = `cachet-race-${process.pid}`;
let proxy: TcpProxy;
let a: RaceProcess;
let b: Awaited<ReturnType<typeof startRaceInstance>>;
let db: Redis;
let setup: RaceSetup;

beforeAll(async () => {
  await assertRedisReachable();
  proxy = await TcpProxy.start(Number(new URL(REDIS_URL).port || 6379));
  setup = { redisUrl: REDIS_URL, namespace: 'race', keyPrefix, table: `${keyPrefix}:db` };
  db = new Redis(REDIS_URL);
  [a, b] = await Promise.all([RaceProcess.start({ ...setup, busUrl: proxy.url }), startRaceInstance(setup)]);
}, 30_000);
afterAll(async () => {
  proxy?.heal('resume');
  await Promise.all([a?.stop(), b?.close()]);
  await new RedisKeys(db).drop(`{${keyPrefix}:`);
  await db?.del(setup.table);
  await db?.quit();
  await proxy?.close();
}, 15_000);
afterEach(() => proxy.heal('resume'));

describe('the fence across processes (RedisL2)', () => {
  it('hazard 2: a result built on a stale memory entry is refused by Redis, and no instance is served it', async () => {
    await db.hset(setup.table, '1', 'v1');
    expect(await a.call({ method: 'getInner', arg: 1 })).toBe('v1'); // now in A's memory and in Redis
    proxy.blackhole(); // A's bus: everything held, both ways

    await b.shop.updateInner(1, 'v2'); // Redis drops inner(1) and its dependents; A does not hear of it

    // A misses outer(1) in memory and in Redis, and builds it on its stale inner(1).
    expect(await a.call({ method: 'getOuter', arg: 1 })).toBe('outer of v1');
    expect((await a.stats()).l2).toMatchObject({ refused: 1 });
    expect(await b.shop.getOuter(1)).toBe('outer of v2');

    proxy.heal('resume');
    await waitForFresh(() => a.call({ method: 'getOuter', arg: 1 }), 'outer of v2');
  });

  it('hazard 1: a load that began before another process invalidated its key stores nothing in Redis', async () => {
    await db.hset(setup.table, '2', 'v1');
    proxy.blackhole();
    const read = a.next('read');
    const slow = a.call({ method: 'getSlow', arg: 2 });
    await read; // A's load has read v1 and is held

    await b.shop.updateSlow(2, 'v2');
    await a.release();

    expect(await slow).toBe('v1'); // its caller gets what it read, as without a cache
    expect((await a.stats()).l2).toMatchObject({ refused: 2 });
    b.shop.onRead = () => b.shop.release?.(); // B's own load is not held
    expect(await b.shop.getSlow(2)).toBe('v2');
  });
});

/** Calls `read` until it returns `expected` (A's bus delivers the held invalidation in its own time). */
async function waitForFresh(read: () => Promise<unknown>, expected: unknown): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await read()) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`still not ${String(expected)} after 200 reads`);
}
