import { CacheConfigurationError } from '@cachet/core';
import { RedisSynchronization, RedisSynchronizationOptionError, type RedisSynchronizationOptions } from '@cachet/redis';

function construct(options: unknown): () => RedisSynchronization {
  return () => new RedisSynchronization(options as RedisSynchronizationOptions);
}

describe('RedisSynchronization options', () => {
  it('uses the default channel when none is given, without connecting', () => {
    expect(new RedisSynchronization({ connection: 'redis://127.0.0.1:1' }).channel).toBe('cachet:invalidation');
    expect(new RedisSynchronization({ connection: { port: 1 }, channel: 'shop' }).channel).toBe('shop');
  });

  it.each([
    ['a missing options object', undefined, 'options'],
    ['a missing connection', {}, 'connection'],
    ['an empty URL', { connection: '  ' }, 'connection'],
    ['a number as connection', { connection: 6379 }, 'connection'],
    ['an empty channel', { connection: 'redis://localhost', channel: '' }, 'channel'],
    ['a non-string channel', { connection: 'redis://localhost', channel: 42 }, 'channel'],
    ['a negative connect timeout', { connection: 'redis://localhost', connectTimeoutMs: -1 }, 'connectTimeoutMs'],
    ['a fractional connect timeout', { connection: 'redis://localhost', connectTimeoutMs: 1.5 }, 'connectTimeoutMs'],
  ])('rejects %s with an error naming the option', (_label, options, option) => {
    const create = construct(options);
    expect(create).toThrow(RedisSynchronizationOptionError);
    expect(create).toThrow(CacheConfigurationError);
    try {
      create();
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_CONFIGURATION', option: `RedisSynchronization.${option}` });
      expect((error as Error).message).toContain(`RedisSynchronization.${option}`);
    }
  });
});
