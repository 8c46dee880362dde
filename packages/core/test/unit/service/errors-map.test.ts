import { Cache, CacheKeyError, CachetError, CachingService, errors, SynchronizationError } from '@cachet/core';

/** The error `run` throws or rejects with. */
async function failureOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('the errors map', () => {
  let service: CachingService;

  beforeEach(() => {
    service = CachingService.create({});
    CachingService.default = service;
  });

  afterEach(() => service.dispose());

  it('holds, under each failure code, the class of the error users catch', async () => {
    class Catalogue {
      @Cache()
      async byCallback(callback: () => void): Promise<number> {
        callback();
        return 1;
      }

      @Cache({ profile: 'missing' })
      async profiled(): Promise<number> {
        return 1;
      }
    }
    const catalogue = new Catalogue();
    const failures = [
      await failureOf(() => catalogue.byCallback(() => undefined)),
      await failureOf(() => catalogue.profiled()),
      await failureOf(() => service.invalidate(() => 42)),
      await failureOf(() => CachingService.create({ namespace: '' })),
      await failureOf(async () => {
        const disposed = CachingService.create({});
        await disposed.dispose();
        return disposed.getOrSet('a', () => 1);
      }),
    ];
    expect(failures.map((error) => (error as CachetError).code)).toEqual(['E_CACHE_KEY', 'E_UNKNOWN_PROFILE', 'E_NOTHING_CAPTURED', 'E_CONFIGURATION', 'E_DISPOSED']);
    for (const error of failures) {
      expect(error).toBeInstanceOf(errors[(error as CachetError).code as keyof typeof errors]);
      expect(error).toBeInstanceOf(CachetError);
    }
    expect(failures[0]).toBeInstanceOf(errors.E_CACHE_KEY);
    expect(errors.E_CACHE_KEY).toBe(CacheKeyError);
  });

  it('maps both synchronization codes to SynchronizationError', () => {
    expect(errors.E_SYNC_CONNECT).toBe(SynchronizationError);
    expect(errors.E_SYNC_PUBLISH).toBe(SynchronizationError);
  });
});
