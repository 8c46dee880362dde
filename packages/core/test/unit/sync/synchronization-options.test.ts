import { realScheduler } from '../../../src/sync/scheduler';
import { CacheConfigurationError, CachingService, InProcessSynchronization, type SynchronizationOptions } from '@cachet/core';
import { resolveSynchronizationOptions } from '../../../src/sync/synchronization-options';

function optionOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CacheConfigurationError) return error.option;
    throw error;
  }
  throw new Error('expected a CacheConfigurationError');
}

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
      disposeTimeoutMs: 5000,
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
  ];
  it.each(invalid)('names %s when it is invalid, at CachingService.create()', (option, options) => {
    expect(optionOf(() => CachingService.create({ synchronization: { transport, ...options } }))).toBe(option);
  });

  it('rejects something that is not a transport', () => {
    expect(optionOf(() => CachingService.create({ synchronization: {} as never }))).toBe('synchronization');
    expect(optionOf(() => CachingService.create({ synchronization: { transport: { name: 'x' } } as never }))).toBe('synchronization');
  });
});
