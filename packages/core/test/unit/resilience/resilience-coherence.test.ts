import { CacheLoadTimeoutError } from '@cachet/core';
import { flushMicrotasks } from '../support/deferred';
import { HARD, INVALIDATION_KINDS, type Instance, type PriceMethod, record, SOFT, TTL, World } from './support/world';

/**
 * The coherence rule of the resilience options: an entry that was invalidated, in any way, is never served
 * again (by fail-safe, a timeout, eager refresh or auto-reload), and a background load that an invalidation
 * overtook never stores its result.
 */
describe.each(INVALIDATION_KINDS)('resilience after an invalidation: $name', (kind) => {
  let world: World;
  let a: Instance;
  let b: Instance;

  beforeEach(async () => {
    world = new World();
    [a, b] = await world.pair();
  });
  afterEach(() => world.dispose());

  it('fail-safe does not serve the invalidated value: callers get the error', async () => {
    await a.prices.failSafe('1');
    await world.advance(TTL + 1);
    a.prices.mode = 'fail';
    await kind.run(world, a, b, 'failSafe');
    await expect(a.prices.failSafe('1')).rejects.toThrow('database down (1)');
  });

  it('a key throttled after a fail-safe answer still goes to the loader once invalidated', async () => {
    await a.prices.failSafe('1');
    await world.advance(TTL + 1);
    a.prices.mode = 'fail';
    expect(await a.prices.failSafe('1')).toBe(10);
    await kind.run(world, a, b, 'failSafe');
    await expect(a.prices.failSafe('1')).rejects.toThrow('database down (1)');
  });

  it('a soft timeout does not answer with the invalidated value, and a hard one fails instead', async () => {
    const stale = record(a.service, 'stale-served');
    await a.prices.timed('1');
    await world.advance(TTL + 1);
    a.prices.mode = 'slow';
    await kind.run(world, a, b, 'timed');
    const answer = a.prices.timed('1').catch((error: unknown) => error);
    await world.advance(SOFT);
    await world.advance(HARD - SOFT);
    expect(await answer).toBeInstanceOf(CacheLoadTimeoutError);
    expect(stale).toEqual([]);
    await a.prices.release();
  });

  /** Background loads, each started holding the value 10 read before the write. */
  const backgroundLoads: [string, PriceMethod, () => Promise<void>][] = [
    [
      'a load that went on after a soft timeout',
      'timed',
      async () => {
        await a.prices.timed('1');
        await world.advance(TTL + 1);
        a.prices.mode = 'slow';
        const answer = a.prices.timed('1');
        await world.advance(SOFT);
        expect(await answer).toBe(10); // expired, not invalidated: fail-safe may serve it
      },
    ],
    [
      'an eager refresh',
      'eager',
      async () => {
        await a.prices.eager('1');
        await world.advance(TTL * 0.8);
        a.prices.mode = 'slow';
        expect(await a.prices.eager('1')).toBe(10);
      },
    ],
    [
      'an auto-reload',
      'reloaded',
      async () => {
        const reloads = record(a.service, 'auto-reload');
        await a.prices.reloaded('1');
        a.prices.mode = 'slow';
        await world.advance(TTL);
        expect(reloads).toHaveLength(1);
      },
    ],
  ];

  it.each(backgroundLoads)('%s that an invalidation overtook does not store', async (_, method, begin) => {
    await begin();
    world.db.set('1', 11);
    await kind.run(world, a, b, method);
    await a.prices.release();
    expect(await a.prices[method]('1')).toBe(11);
  });

  it('an invalidated entry is not auto-reloaded', async () => {
    const reloads = record(a.service, 'auto-reload');
    await a.prices.reloaded('1');
    const loads = a.prices.loads;
    await kind.run(world, a, b, 'reloaded');
    await flushMicrotasks();
    // A refresh stores a new entry at once, which auto-reload keeps fresh like any other.
    const refreshed = kind.name === 'refresh' ? 1 : 0;
    await world.advance(TTL);
    expect(reloads).toHaveLength(refreshed);
    expect(a.prices.loads).toBe(loads + 2 * refreshed);
  });
});
