import { CacheConfigurationError, MemoryBackend, type MemoryBackendOptions, MISS } from '@cachet/core';

/** A clock tests move by hand; it starts where `performance.now()` would be after a while, not at 0. */
function manualClock(start = 10_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

function configurationError(run: () => unknown): CacheConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof CacheConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a CacheConfigurationError');
}

describe('MemoryBackend', () => {
  describe('bounds', () => {
    it('reports maxEntries as its capacity, 10,000 by default', () => {
      expect(new MemoryBackend({ maxEntries: 3 }).capacity).toBe(3);
      expect(new MemoryBackend().capacity).toBe(10_000);
    });

    it('finds an entry stored under a concatenated key by an equal key built any other way', () => {
      const backend = new MemoryBackend();
      const id = 42;
      backend.set('shop:Users.getUser(' + id + ',{"include":["teams"]})', 'stored', {});
      expect(backend.get(['shop:Users.getUser(42', '{"include":["teams"]})'].join(','), false)).toBe('stored');
    });

    it('holds at most maxEntries, pushing out the least recently used', () => {
      const backend = new MemoryBackend({ maxEntries: 3 });
      backend.set('a', 1, {});
      backend.set('b', 2, {});
      backend.set('c', 3, {});
      expect(backend.get('a', false)).toBe(1); // a is now the most recently used
      backend.set('d', 4, {});
      expect(backend.size).toBe(3);
      expect(backend.get('b', false)).toBe(MISS);
      expect([backend.get('a', false), backend.get('c', false), backend.get('d', false)]).toEqual([1, 3, 4]);
    });

    it('holds at most maxSize, measured by sizeOf, which sees the stored value and key', () => {
      const measured: [unknown, string][] = [];
      const backend = new MemoryBackend({
        maxSize: 10,
        sizeOf: (value, key) => {
          measured.push([value, key]);
          return typeof value === 'string' ? value.length : 1;
        },
      });
      backend.set('a', 'xxxx', {});
      backend.set('b', 'yyyy', {});
      backend.set('n', null, {});
      expect(measured).toEqual([['xxxx', 'a'], ['yyyy', 'b'], [null, 'n']]);
      backend.set('c', 'zzzz', {}); // 4 + 4 + 1 + 4 > 10: the oldest goes
      expect(backend.get('a', false)).toBe(MISS);
      expect(backend.get('c', false)).toBe('zzzz');
    });

    it('does not store a value larger than maxSize, and drops the entry it would have replaced', () => {
      const backend = new MemoryBackend({ maxSize: 10, sizeOf: (value) => String(value).length });
      backend.set('a', 'small', { dependencies: ['t'] });
      backend.set('a', 'far too large for the cache', { dependencies: ['t'] });
      expect(backend.get('a', false)).toBe(MISS);
      expect(backend.indexSize).toEqual({ dependencies: 0, keys: 0 });
    });

    const invalid: [MemoryBackendOptions, string][] = [
      [{ maxEntries: 0 }, 'backend.maxEntries'],
      [{ maxEntries: 1.5 }, 'backend.maxEntries'],
      [{ maxEntries: -1 }, 'backend.maxEntries'],
      [{ maxEntries: Number.NaN }, 'backend.maxEntries'],
      [{ maxSize: 0, sizeOf: () => 1 }, 'backend.maxSize'],
      [{ maxSize: 100 }, 'backend.maxSize'],
      [{ sizeOf: () => 1 }, 'backend.maxSize'],
    ];
    it.each(invalid)('rejects %p with an error naming %s', (options, option) => {
      const error = configurationError(() => new MemoryBackend(options));
      expect(error.code).toBe('E_CONFIGURATION');
      expect(error.option).toBe(option);
      expect(error.message).toContain(`\`${option}\``);
    });

    it('mentions, when only one of maxSize and sizeOf is given, that both are needed', () => {
      expect(configurationError(() => new MemoryBackend({ maxSize: 100 })).message).toMatch(/maxSize.*sizeOf/);
    });
  });

  describe('expiration (injected clock)', () => {
    it('expires an entry once its absolute ttl has passed, whether it was read meanwhile or not', () => {
      const clock = manualClock();
      const backend = new MemoryBackend({ clock: clock.now });
      backend.set('k', 'v', { ttl: 100 });
      backend.set('quiet', 'v', { ttl: 100 });
      clock.advance(60);
      expect(backend.get('k', false)).toBe('v');
      clock.advance(60);
      expect(backend.get('quiet', false)).toBe(MISS);
      expect(backend.get('k', false)).toBe(MISS);
    });

    it('expires an entry stored when the injected clock read 0', () => {
      const clock = manualClock(0);
      const backend = new MemoryBackend({ clock: clock.now });
      backend.set('k', 'v', { ttl: 100 });
      clock.advance(101);
      expect(backend.get('k', false)).toBe(MISS);
    });

    it('restarts a sliding entry\'s lifetime on every read that asks for it, and only those', () => {
      const clock = manualClock();
      const backend = new MemoryBackend({ clock: clock.now });
      backend.set('slide', 'v', { slidingExpiration: 100 });
      for (let i = 0; i < 5; i++) {
        clock.advance(80);
        expect(backend.get('slide', true)).toBe('v');
      }
      clock.advance(80);
      expect(backend.get('slide', false)).toBe('v'); // 80 ms since the last sliding read: alive, but not renewed
      clock.advance(30);
      expect(backend.get('slide', true)).toBe(MISS);
    });

    it('keeps entries without expiration forever, and an overwrite without ttl removes the old ttl', () => {
      const clock = manualClock();
      const backend = new MemoryBackend({ clock: clock.now });
      backend.set('forever', 1, {});
      backend.set('k', 1, { ttl: 10 });
      backend.set('k', 2, {});
      clock.advance(1_000_000);
      expect(backend.get('forever', false)).toBe(1);
      expect(backend.get('k', false)).toBe(2);
    });

    it('forgets an expired entry\'s dependencies when it is found expired', () => {
      const clock = manualClock();
      const backend = new MemoryBackend({ clock: clock.now });
      backend.set('k', 'v', { ttl: 10, dependencies: ['t'] });
      clock.advance(11);
      expect(backend.get('k', false)).toBe(MISS);
      expect(backend.indexSize).toEqual({ dependencies: 0, keys: 0 });
    });

    it('removes expired entries on a timer with purgeExpired', () => {
      jest.useFakeTimers();
      try {
        const clock = manualClock();
        const backend = new MemoryBackend({ purgeExpired: true, clock: clock.now });
        backend.set('k', 'v', { ttl: 10, dependencies: ['t'] });
        backend.set('forever', 'v', {});
        clock.advance(11);
        jest.advanceTimersByTime(11);
        expect(backend.size).toBe(1);
        expect(backend.indexSize).toEqual({ dependencies: 0, keys: 0 });
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('undefined and null', () => {
    it('stores undefined and null as values, distinct from MISS and from each other', () => {
      const backend = new MemoryBackend();
      backend.set('u', undefined, {});
      backend.set('n', null, {});
      expect(backend.get('u', false)).toBeUndefined();
      expect(backend.get('n', false)).toBeNull();
      expect(backend.get('absent', false)).toBe(MISS);
      expect(backend.size).toBe(2);
    });

    it('stores falsy values as they are', () => {
      const backend = new MemoryBackend();
      const values: unknown[] = [0, '', false, Number.NaN, 0n];
      values.forEach((value, i) => backend.set(String(i), value, {}));
      values.forEach((value, i) => expect(backend.get(String(i), false)).toBe(value));
    });
  });

  describe('dependency index', () => {
    it('cleans itself on eviction, expiry, overwrite, delete and clear', () => {
      const clock = manualClock();
      const backend = new MemoryBackend({ maxEntries: 2, clock: clock.now });
      const empty = { dependencies: 0, keys: 0 };

      backend.set('a', 1, { dependencies: ['t1'] });
      backend.set('b', 1, { dependencies: ['t2'] });
      backend.set('c', 1, {}); // evicts a
      expect(backend.indexSize).toEqual({ dependencies: 1, keys: 1 });

      backend.set('b', 2, { dependencies: ['t3'] }); // overwrite replaces b's dependencies
      expect(backend.indexSize).toEqual({ dependencies: 1, keys: 1 });
      expect(backend.invalidate([], ['t2'])).toEqual([]);
      expect(backend.get('b', false)).toBe(2);

      backend.set('b', 3, {}); // overwrite without dependencies
      expect(backend.indexSize).toEqual(empty);

      backend.set('d', 1, { dependencies: ['t4'], ttl: 5 });
      clock.advance(10);
      expect(backend.get('d', false)).toBe(MISS); // expiry
      expect(backend.indexSize).toEqual(empty);

      backend.set('e', 1, { dependencies: ['t5', 't6'] });
      backend.invalidate(['e'], []); // delete
      expect(backend.indexSize).toEqual(empty);

      backend.set('f', 1, { dependencies: ['t7'] });
      backend.clear();
      expect(backend.indexSize).toEqual(empty);
      expect(backend.size).toBe(0);
    });

    it('does not grow over 100,000 insert/evict cycles', () => {
      const maxEntries = 100;
      const backend = new MemoryBackend({ maxEntries });
      let largest = 0;
      for (let i = 0; i < 100_000; i++) {
        backend.set(`k${i}`, i, { dependencies: [`tag${i}`, `shared${i % 7}`, `k${i - 1}`] });
        if (i % 1000 === 0) {
          const { dependencies, keys } = backend.indexSize;
          largest = Math.max(largest, dependencies, keys);
        }
      }
      const { dependencies, keys } = backend.indexSize;
      expect(keys).toBeLessThanOrEqual(maxEntries);
      // Each live entry declares 3 dependencies; nothing of evicted entries may linger.
      expect(dependencies).toBeLessThanOrEqual(maxEntries * 3);
      expect(largest).toBeLessThanOrEqual(maxEntries * 3);
    });

    it('does not grow over 100,000 insert/expire cycles without purgeExpired', () => {
      const clock = manualClock();
      const backend = new MemoryBackend({ maxEntries: 100, clock: clock.now });
      for (let i = 0; i < 100_000; i++) {
        backend.set(`k${i}`, i, { ttl: 1, dependencies: [`tag${i}`] });
        clock.advance(2);
      }
      expect(backend.indexSize.keys).toBeLessThanOrEqual(100);
      expect(backend.indexSize.dependencies).toBeLessThanOrEqual(100);
    });
  });

  describe('invalidate', () => {
    it('removes the keys given and reports which entries went', () => {
      const backend = new MemoryBackend();
      backend.set('a', 1, {});
      backend.set('b', 1, {});
      expect(backend.invalidate(['a', 'missing'], [])).toEqual(['a']);
      expect(backend.get('a', false)).toBe(MISS);
      expect(backend.get('b', false)).toBe(1);
    });

    it('cascades transitively: A depends on B\'s key, B on tag t', () => {
      const backend = new MemoryBackend();
      backend.set('B', 'b', { dependencies: ['t'] });
      backend.set('A', 'a', { dependencies: ['B'] });
      backend.set('Z', 'z', { dependencies: ['A'] });
      backend.set('other', 'o', { dependencies: ['u'] });
      expect(backend.invalidate([], ['t']).sort()).toEqual(['A', 'B', 'Z']);
      expect(backend.get('other', false)).toBe('o');
      expect(backend.size).toBe(1);
    });

    it('cascades from an invalidated key to the entries that depend on it', () => {
      const backend = new MemoryBackend();
      backend.set('B', 'b', {});
      backend.set('A', 'a', { dependencies: ['B'] });
      expect(backend.invalidate(['B'], []).sort()).toEqual(['A', 'B']);
    });

    it('cascades from a key whose entry is gone to the entries that still depend on it', () => {
      const backend = new MemoryBackend({ maxEntries: 2 });
      backend.set('B', 'b', {});
      backend.set('A', 'a', { dependencies: ['B'] });
      backend.set('C', 'c', {}); // evicts B; A still depends on it
      expect(backend.invalidate(['B'], [])).toEqual(['A']);
    });

    it('terminates on dependency cycles and removes every member once', () => {
      const backend = new MemoryBackend();
      backend.set('A', 'a', { dependencies: ['B'] });
      backend.set('B', 'b', { dependencies: ['C'] });
      backend.set('C', 'c', { dependencies: ['A', 't'] });
      backend.set('self', 's', { dependencies: ['self', 't'] });
      const removed = backend.invalidate([], ['t']);
      expect(removed.sort()).toEqual(['A', 'B', 'C', 'self']);
      expect(backend.size).toBe(0);
      expect(backend.indexSize).toEqual({ dependencies: 0, keys: 0 });
    });
  });
});
