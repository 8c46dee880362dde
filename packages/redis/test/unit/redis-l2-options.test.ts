import { CacheConfigurationError, CachingService } from '@cachet/core';
import { RedisL2, RedisL2OptionError, RedisSynchronization, type RedisL2Options } from '@cachet/redis';

function construct(options: unknown): () => RedisL2 {
  return () => new RedisL2(options as RedisL2Options);
}

describe('RedisL2 options', () => {
  it('fills in the defaults without connecting, and supplies a RedisSynchronization on its channel', () => {
    const l2 = new RedisL2({ connection: 'redis://127.0.0.1:1' });
    expect(l2.keyTag('shop')).toBe('{cachet:shop}');
    expect(l2.synchronization).toBeInstanceOf(RedisSynchronization);
    expect(l2.synchronization.channel).toBe('cachet:invalidation');
    const custom = new RedisL2({ connection: { port: 1 }, keyPrefix: 'app', channel: 'app:bus' });
    expect(custom.keyTag('shop')).toBe('{app:shop}');
    expect(custom.synchronization.channel).toBe('app:bus');
    expect(() => CachingService.create({ l2: custom })).not.toThrow();
  });

  it.each([
    ['a missing options object', undefined, 'options'],
    ['a missing connection', {}, 'connection'],
    ['an empty URL', { connection: '' }, 'connection'],
    ['a key prefix with a brace', { connection: 'redis://localhost', keyPrefix: 'a{b' }, 'keyPrefix'],
    ['an empty key prefix', { connection: 'redis://localhost', keyPrefix: '' }, 'keyPrefix'],
    ['an empty channel', { connection: 'redis://localhost', channel: '' }, 'channel'],
    ['a zero command timeout', { connection: 'redis://localhost', commandTimeoutMs: 0 }, 'commandTimeoutMs'],
    ['a fractional connect timeout', { connection: 'redis://localhost', connectTimeoutMs: 1.5 }, 'connectTimeoutMs'],
    ['no invalidation records', { connection: 'redis://localhost', maxInvalidationRecords: 0 }, 'maxInvalidationRecords'],
  ])('rejects %s with an error naming the option', (_label, options, option) => {
    const create = construct(options);
    expect(create).toThrow(RedisL2OptionError);
    expect(create).toThrow(CacheConfigurationError);
    try {
      create();
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_CONFIGURATION', option: `RedisL2.${option}` });
      expect((error as Error).message).toContain(`RedisL2.${option}`);
    }
  });
});
