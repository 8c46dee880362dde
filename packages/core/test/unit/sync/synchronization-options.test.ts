import { inspect } from 'node:util';
import { realScheduler } from '../../../src/sync/scheduler';
import { CacheConfigurationError, CachingService, InProcessSynchronization, type SynchronizationOptions } from '@cachet/core';
import { resolveSynchronizationOptions } from '../../../src/sync/synchronization-options';
import { optionOf } from '../support/option-path';


/** A valid signing key: exactly 32 bytes. */
const KEY = 'k'.repeat(32);

describe('synchronization options', () => {
  const transport = new InProcessSynchronization();

  it('accepts a bare transport and fills in every default', () => {
    expect(resolveSynchronizationOptions(transport)).toEqual({
      transport,
      whileDisconnected: 'serve-local',
      heartbeatIntervalMs: 5000,
      heartbeatTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      maxTrackedSenders: 10_000,
      scheduler: realScheduler,
      publishAttempts: 12,
      initialRetryDelayMs: 50,
      maxRetryDelayMs: 5000,
      maxPendingInvalidations: 100_000,
      confirmTimeoutMs: 5000,
      disposeTimeoutMs: 5000,
      signingKeys: [],
    });
  });

  it('derives the heartbeat timeout from the interval unless given', () => {
    expect(resolveSynchronizationOptions({ transport, heartbeatIntervalMs: 100 }).heartbeatTimeoutMs).toBe(200);
    expect(resolveSynchronizationOptions({ transport, heartbeatIntervalMs: 100, heartbeatTimeoutMs: 1000 }).heartbeatTimeoutMs).toBe(1000);
  });

  const invalid: [string, Partial<SynchronizationOptions>][] = [
    ['synchronization.whileDisconnected', { whileDisconnected: 'ignore' as never }],
    ['synchronization.heartbeatIntervalMs', { heartbeatIntervalMs: -1 }],
    ['synchronization.heartbeatTimeoutMs', { heartbeatTimeoutMs: Number.NaN }],
    ['synchronization.publishAttempts', { publishAttempts: 0 }],
    ['synchronization.publishAttempts', { publishAttempts: 2.5 }],
    ['synchronization.initialRetryDelayMs', { initialRetryDelayMs: Number.POSITIVE_INFINITY }],
    ['synchronization.maxRetryDelayMs', { maxRetryDelayMs: -5 }],
    ['synchronization.maxPendingInvalidations', { maxPendingInvalidations: 0 }],
    ['synchronization.disposeTimeoutMs', { disposeTimeoutMs: -1 }],
    ['synchronization.signingKeys', { signingKeys: [] }],
    ['synchronization.signingKeys', { signingKeys: 'a key of forty characters, not in a list' as never }],
    ['synchronization.signingKeys[0]', { signingKeys: ['31 bytes is one byte too short'] }],
    ['synchronization.signingKeys[1]', { signingKeys: [KEY, Buffer.alloc(31)] }],
    ['synchronization.signingKeys[1]', { signingKeys: [KEY, 42 as never] }],
    ['synchronization.signingKeys[0]', { signingKeys: [null as never] }],
  ];
  it.each(invalid)('names %s when it is invalid, at CachingService.create()', (option, options) => {
    expect(optionOf(() => CachingService.create({ synchronization: { transport, ...options } }))).toBe(option);
  });

  it('rejects something that is not a transport', () => {
    expect(optionOf(() => CachingService.create({ synchronization: {} as never }))).toBe('synchronization');
    expect(optionOf(() => CachingService.create({ synchronization: { transport: { name: 'x' } } as never }))).toBe('synchronization');
  });

  describe('signingKeys', () => {
    it('accepts strings and Buffers of at least 32 bytes, counting a string\'s UTF-8 bytes', () => {
      // 16 two-byte characters: 32 bytes though only 16 characters.
      const keys = resolveSynchronizationOptions({ transport, signingKeys: [KEY, Buffer.alloc(32, 7), 'é'.repeat(16)] }).signingKeys;
      expect(keys.map((key) => key.symmetricKeySize)).toEqual([32, 32, 32]);
      expect(() => resolveSynchronizationOptions({ transport, signingKeys: ['é'.repeat(15) + 'x'] })).toThrow(CacheConfigurationError);
    });

    it('never puts a key in an error message', () => {
      const secret = 'hunter2-but-short';
      try {
        CachingService.create({ synchronization: { transport, signingKeys: [KEY.repeat(2), secret] } });
      } catch (error) {
        expect(error).toBeInstanceOf(CacheConfigurationError);
        expect((error as Error).message).toContain('synchronization.signingKeys[1]');
        expect((error as Error).message).not.toContain(secret);
        expect((error as Error).message).not.toContain(KEY);
        return;
      }
      throw new Error('expected a CacheConfigurationError');
    });

    it('keeps copies as key objects, which print without their bytes, so a later change of the caller\'s Buffer changes nothing', () => {
      const buffer = Buffer.alloc(32, 1);
      const [key] = resolveSynchronizationOptions({ transport, signingKeys: [buffer] }).signingKeys;
      buffer.fill(2);
      expect(key?.export()).toEqual(Buffer.alloc(32, 1));
      expect(inspect(key)).not.toContain('01');
    });
  });
});
