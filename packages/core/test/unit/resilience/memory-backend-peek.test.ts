import { MemoryBackend } from '@cachet/core';

function clocked(options: { maxEntries?: number } = {}): { backend: MemoryBackend; advance: (ms: number) => void } {
  let time = 10_000;
  return { backend: new MemoryBackend({ ...options, clock: () => time }), advance: (ms) => (time += ms) };
}

describe('MemoryBackend.peek: expired values kept for fail-safe', () => {
  it('reports the remaining lifetime of a live entry, and Infinity without expiration', () => {
    const { backend, advance } = clocked();
    backend.set('a', 'A', { ttl: 100 });
    backend.set('b', undefined, {});
    advance(30);
    expect(backend.peek('a', false, 0)).toEqual({ value: 'A', remaining: 70 });
    expect(backend.peek('b', false, 0)).toEqual({ value: undefined, remaining: Infinity });
  });

  it('keeps an expired entry within keepExpiredFor, which get does not serve', () => {
    const { backend, advance } = clocked();
    backend.set('a', 'A', { ttl: 100 });
    advance(150);
    expect(backend.peek('a', false, 60)).toEqual({ value: 'A', remaining: -50 });
    expect(backend.size).toBe(1);
    advance(11);
    expect(backend.peek('a', false, 60)).toBeUndefined();
    expect(backend.size).toBe(0);
  });

  it('counts kept entries against maxEntries: the least recently used go first', () => {
    const { backend, advance } = clocked({ maxEntries: 2 });
    backend.set('a', 'A', { ttl: 100 });
    backend.set('b', 'B', { ttl: 100 });
    advance(150);
    backend.set('c', 'C', { ttl: 100 });
    expect(backend.peek('a', false, 1_000)).toBeUndefined();
    expect(backend.peek('b', false, 1_000)?.value).toBe('B');
  });

  it('an invalidated or cleared entry is gone, expired or not', () => {
    const { backend, advance } = clocked();
    backend.set('a', 'A', { ttl: 100, dependencies: ['tag'] });
    backend.set('b', 'B', { ttl: 100 });
    advance(150);
    expect(backend.invalidate([], ['tag'])).toEqual(['a']);
    expect(backend.peek('a', false, 1_000)).toBeUndefined();
    backend.clear();
    expect(backend.peek('b', false, 1_000)).toBeUndefined();
  });

  it('restarts a live sliding entry, not an expired one', () => {
    const { backend, advance } = clocked();
    backend.set('a', 'A', { slidingExpiration: 100 });
    advance(80);
    expect(backend.peek('a', false, 1_000)?.remaining).toBe(20);
    expect(backend.peek('a', true, 1_000)?.remaining).toBe(100);
    advance(150);
    expect(backend.peek('a', true, 1_000)?.remaining).toBe(-50);
    expect(backend.peek('a', true, 1_000)?.remaining).toBe(-50);
  });
});
