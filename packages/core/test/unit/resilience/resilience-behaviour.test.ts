import { CacheLoadTimeoutError, CachetError } from '@cachet/core';
import { deferred, flushMicrotasks } from '../support/deferred';
import { HARD, type Instance, MAX_STALE, record, SOFT, THROTTLE, TTL, World } from './support/world';

describe('resilience options: each behaviour on an injected clock', () => {
  let world: World;
  let a: Instance;

  beforeEach(async () => {
    world = new World();
    a = await world.instance();
  });
  afterEach(() => world.dispose());

  describe('fail-safe', () => {
    it('answers with the expired value when the load fails, with events naming the method and key', async () => {
      const failSafe = record(a.service, 'fail-safe');
      const stale = record(a.service, 'stale-served');
      expect(await a.prices.failSafe('1')).toBe(10);
      await world.advance(TTL + 1);
      world.db.set('1', 11);
      a.prices.mode = 'fail';

      expect(await a.prices.failSafe('1')).toBe(10);
      expect(failSafe).toMatchObject([{ method: 'Prices.failSafe', key: expect.stringContaining('Prices.failSafe'), error: expect.objectContaining({ message: 'database down (1)' }) }]);
      expect(stale).toMatchObject([{ method: 'Prices.failSafe', key: failSafe[0]?.key, reason: 'fail-safe' }]);
      expect(a.service.stats().resilience).toMatchObject({ failSafe: 1, staleServed: 1 });
    });

    it('does not call the loader again during the throttle, then tries it and stores the fresh value', async () => {
      const stale = record(a.service, 'stale-served');
      await a.prices.failSafe('1');
      await world.advance(TTL + 1);
      a.prices.mode = 'fail';
      await a.prices.failSafe('1');
      expect(a.prices.loads).toBe(2);

      await world.advance(THROTTLE - 1);
      expect(await a.prices.failSafe('1')).toBe(10);
      expect(a.prices.loads).toBe(2);
      expect(stale.map((event) => event.reason)).toEqual(['fail-safe', 'throttled']);

      await world.advance(1);
      a.prices.mode = 'ok';
      world.db.set('1', 12);
      expect(await a.prices.failSafe('1')).toBe(12);
      expect(await a.prices.failSafe('1')).toBe(12);
      expect(a.prices.loads).toBe(3);
    });

    it('lets the error through once the value expired more than maxStale ago', async () => {
      await a.prices.failSafe('1');
      await world.advance(TTL + MAX_STALE + 1);
      a.prices.mode = 'fail';
      await expect(a.prices.failSafe('1')).rejects.toThrow('database down (1)');
    });

    it('lets the error through when there never was a value', async () => {
      a.prices.mode = 'fail';
      await expect(a.prices.failSafe('1')).rejects.toThrow('database down (1)');
    });

    it('serves a synchronous method: a throw becomes the expired value', async () => {
      expect(a.prices.syncPrice('1')).toBe(10);
      await world.advance(TTL + 1);
      a.prices.mode = 'fail';
      expect(a.prices.syncPrice('1')).toBe(10);
    });

    it('works from a profile', async () => {
      await a.prices.profiled('1');
      await world.advance(TTL + 1);
      a.prices.mode = 'fail';
      expect(await a.prices.profiled('1')).toBe(10);
    });

    it('works for getOrSet, with a hard timeout answered by the expired value', async () => {
      const options = { ttl: TTL, failSafe: { maxStale: MAX_STALE }, timeout: { hard: HARD } } as const;
      expect(await a.service.getOrSet('price:1', async () => 10, options)).toBe(10);
      await world.advance(TTL + 1);
      const hard = record(a.service, 'hard-timeout');
      const slow = deferred<number>();
      const answer = a.service.getOrSet('price:1', () => slow.promise, options);
      await world.advance(HARD);
      expect(await answer).toBe(10);
      expect(hard).toMatchObject([{ method: 'getOrSet()', key: 'cachet:price:1', timeoutMs: HARD, servedStale: true }]);
      slow.resolve(11);
      await flushMicrotasks();
      expect(await a.service.getOrSet('price:1', async () => 99, options)).toBe(11);
    });
  });

  describe('soft and hard timeouts', () => {
    it('soft: answers with the expired value and stores the load when it completes', async () => {
      const soft = record(a.service, 'soft-timeout');
      await a.prices.timed('1');
      await world.advance(TTL + 1);
      world.db.set('1', 11);
      a.prices.mode = 'slow';
      const answer = a.prices.timed('1');
      await world.advance(SOFT);
      expect(await answer).toBe(10);
      expect(soft).toMatchObject([{ method: 'Prices.timed', key: expect.any(String), timeoutMs: SOFT }]);

      await a.prices.release();
      expect(await a.prices.timed('1')).toBe(11);
      expect(a.prices.loads).toBe(2);
    });

    it('soft without an expired value: the caller keeps waiting for the load', async () => {
      a.prices.mode = 'slow';
      const answer = a.prices.timed('1');
      await world.advance(SOFT);
      a.prices.gate.resolve();
      expect(await answer).toBe(10);
      expect(a.service.stats().resilience?.softTimeouts).toBe(0);
    });

    it('a load that fails after its caller was answered is a background-error event', async () => {
      const errors = record(a.service, 'background-error');
      await a.prices.timed('1');
      await world.advance(TTL + 1);
      a.prices.mode = 'slow';
      const answer = a.prices.timed('1');
      const joined = a.prices.timed('1');
      await world.advance(SOFT);
      expect(await answer).toBe(10);
      expect(await joined).toBe(10);
      a.prices.mode = 'fail';
      a.prices.gate.resolve();
      await flushMicrotasks();
      expect(errors).toMatchObject([{ method: 'Prices.timed', key: expect.any(String), startedBy: 'timeout', error: expect.objectContaining({ message: 'database down (1)' }) }]);
    });

    it('hard: rejects with CacheLoadTimeoutError, and the load still completes and is stored', async () => {
      const hard = record(a.service, 'hard-timeout');
      a.prices.mode = 'slow';
      const answer = a.prices.hardOnly('1');
      const failure = answer.catch((error: unknown) => error);
      await world.advance(HARD);
      const error = await failure;
      expect(error).toBeInstanceOf(CacheLoadTimeoutError);
      expect((error as CachetError).code).toBe('E_LOAD_TIMEOUT');
      expect((error as CacheLoadTimeoutError).method).toBe('Prices.hardOnly');
      expect(hard).toMatchObject([{ method: 'Prices.hardOnly', key: expect.any(String), timeoutMs: HARD, servedStale: false }]);

      await a.prices.release();
      expect(await a.prices.hardOnly('1')).toBe(10);
      expect(a.prices.loads).toBe(1);
    });

    it('clears its timers once the load answered in time', async () => {
      await a.prices.timed('1');
      expect(world.scheduler.pending).toBe(0);
    });
  });

  describe('eager refresh', () => {
    it('a hit past the fraction of the ttl returns the cached value at once and reloads once in the background', async () => {
      const eager = record(a.service, 'eager-refresh');
      await a.prices.eager('1');
      await world.advance(TTL * 0.8 - 1);
      expect(await a.prices.eager('1')).toBe(10);
      expect(a.prices.loads).toBe(1);

      await world.advance(1);
      world.db.set('1', 11);
      a.prices.mode = 'slow';
      expect(await a.prices.eager('1')).toBe(10);
      expect(await a.prices.eager('1')).toBe(10);
      expect(a.prices.loads).toBe(2);
      expect(eager).toMatchObject([{ method: 'Prices.eager', key: expect.any(String) }]);

      await a.prices.release();
      expect(await a.prices.eager('1')).toBe(11);
      expect(a.prices.loads).toBe(2);
    });

    it('the background reload collects dependencies like any load: invalidating one drops the new entry', async () => {
      await a.prices.eager('1');
      await world.advance(TTL * 0.8);
      world.db.set('1', 11);
      await a.prices.eager('1');
      await flushMicrotasks();
      expect(await a.prices.eager('1')).toBe(11);
      world.db.set('1', 12);
      await a.service.invalidate(() => a.prices.base('1'));
      expect(await a.prices.eager('1')).toBe(12);
      expect(a.prices.loads).toBe(3);
    });

    it('a miss while the background reload runs joins it (single flight)', async () => {
      await a.prices.eager('1');
      await world.advance(TTL * 0.8);
      a.prices.mode = 'slow';
      world.db.set('1', 11);
      await a.prices.eager('1');
      await world.advance(TTL);
      const joined = a.prices.eager('1');
      a.prices.gate.resolve();
      expect(await joined).toBe(11);
      expect(a.prices.loads).toBe(2);
    });

    it('a failed background reload is an event, and is not retried at every hit', async () => {
      const errors = record(a.service, 'background-error');
      await a.prices.eager('1');
      await world.advance(TTL * 0.8);
      a.prices.mode = 'fail';
      expect(await a.prices.eager('1')).toBe(10);
      await flushMicrotasks();
      expect(await a.prices.eager('1')).toBe(10);
      await flushMicrotasks();
      expect(errors.map((event) => event.startedBy)).toEqual(['eager-refresh']);
      expect(a.prices.loads).toBe(2);
    });
  });

  describe('auto-reload', () => {
    it('reloads an entry in the background when it expires, every ttl, so calls keep hitting', async () => {
      const reloads = record(a.service, 'auto-reload');
      await a.prices.reloaded('1');
      world.db.set('1', 11);
      await world.advance(TTL);
      expect(reloads).toMatchObject([{ method: 'Prices.reloaded', key: expect.any(String) }]);
      expect(a.prices.loads).toBe(2);
      await world.advance(1);
      expect(await a.prices.reloaded('1')).toBe(11);
      expect(a.service.stats()).toMatchObject({ misses: 2, resilience: { autoReloads: 1 } }); // the first load and its nested base();

      await world.advance(TTL);
      expect(a.prices.loads).toBe(3);
    });

    it('a failed reload is a background-error event', async () => {
      const errors = record(a.service, 'background-error');
      await a.prices.reloaded('1');
      a.prices.mode = 'fail';
      await world.advance(TTL);
      expect(errors.map((event) => event.startedBy)).toEqual(['auto-reload']);
    });

    it('keeps about one timer per entry the backend holds, however many keys it saw', async () => {
      const small = await world.instance(world.bus, 3);
      for (let sku = 1; sku <= 20; sku++) await small.prices.reloaded(String(sku));
      expect(small.service.stats().entries).toBe(3);
      expect(world.scheduler.pending).toBeLessThanOrEqual(4);
    });

    it('dispose stops the timers', async () => {
      await a.prices.reloaded('1');
      expect(world.scheduler.pending).toBe(1);
      await a.service.dispose();
      expect(world.scheduler.pending).toBe(0);
    });
  });

  it('keeps the plain path and no resilience counters for a service whose methods use none', async () => {
    expect(await a.prices.base('1')).toBe('1');
    expect(a.service.stats().resilience).toBeUndefined();
  });
});
