import { CacheConfigurationError, CachingService } from '@cachet/core';
import { PostgresSynchronization, PostgresSynchronizationOptionError, type PostgresSynchronizationOptions } from '@cachet/postgres';
import { Pool } from 'pg';

function construct(options: unknown): () => PostgresSynchronization {
  return () => new PostgresSynchronization(options as PostgresSynchronizationOptions);
}

describe('PostgresSynchronization options', () => {
  it('uses the default channel when none is given, and takes any text up to 63 bytes, without connecting', () => {
    expect(new PostgresSynchronization({ connection: 'postgres://127.0.0.1:1/app' }).channel).toBe('cachet_invalidation');
    expect(new PostgresSynchronization({ connection: { port: 1 }, channel: 'Shop "cache"; 日本' }).channel).toBe('Shop "cache"; 日本');
    expect(new PostgresSynchronization({ connection: new Pool({ port: 1 }), channel: 'c'.repeat(63) }).channel).toHaveLength(63);
  });

  it.each([
    ['a missing options object', undefined, 'options'],
    ['a missing connection', {}, 'connection'],
    ['an empty URL', { connection: '  ' }, 'connection'],
    ['a number as connection', { connection: 5432 }, 'connection'],
    ['an empty channel', { connection: 'postgres://localhost', channel: '' }, 'channel'],
    ['a non-string channel', { connection: 'postgres://localhost', channel: 42 }, 'channel'],
    ['a channel over 63 bytes', { connection: 'postgres://localhost', channel: 'é'.repeat(32) }, 'channel'],
    ['a channel with a NUL', { connection: 'postgres://localhost', channel: 'a\0b' }, 'channel'],
    ['a negative connect timeout', { connection: 'postgres://localhost', connectTimeoutMs: -1 }, 'connectTimeoutMs'],
    ['a fractional connect timeout', { connection: 'postgres://localhost', connectTimeoutMs: 1.5 }, 'connectTimeoutMs'],
  ])('rejects %s with an error naming the option', (_label, options, option) => {
    const create = construct(options);
    expect(create).toThrow(PostgresSynchronizationOptionError);
    expect(create).toThrow(CacheConfigurationError);
    try {
      create();
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_CONFIGURATION', option: `PostgresSynchronization.${option}` });
      expect((error as Error).message).toContain(`PostgresSynchronization.${option}`);
    }
  });

  it('fails initialize() with E_SYNC_CONNECT naming the address, password hidden, when nothing listens there', async () => {
    const service = CachingService.create({
      synchronization: new PostgresSynchronization({ connection: 'postgres://app:secret@127.0.0.1:1/app', connectTimeoutMs: 2_000 }),
    });
    try {
      await expect(service.initialize()).rejects.toMatchObject({ code: 'E_SYNC_CONNECT', message: expect.stringContaining('postgres://app:***@127.0.0.1:1/app') });
    } finally {
      await service.dispose();
    }
  });
});
