// Compiled by `pnpm typecheck` under both decorator settings, never run: each `@ts-expect-error` fails
// the typecheck if the line below it compiles.
import { Cache, type CacheSerializer, CachingService, type SecondLevelCache, type SecondLevelRead, V8Serializer } from '@cachet/core';
import { MemorySecondLevel } from '@cachet/core/testing';

export class Shop {
  @Cache({ l2: false, ttl: 1_000 })
  async getLocal(id: number): Promise<number> {
    return id;
  }
}

const store: SecondLevelCache = new MemorySecondLevel();
const serializer: CacheSerializer = new V8Serializer();
export const bare = CachingService.create({ l2: store });
export const withOptions = CachingService.create({ l2: { store, serializer, maxPendingInvalidations: 100 }, profiles: { local: { l2: false } } });
export const level: 'up' | 'down' | undefined = bare.stats().l2?.state;

// @ts-expect-error a string is not a second level
export const notAStore = CachingService.create({ l2: 'redis://127.0.0.1' });
// @ts-expect-error options need their store
export const noStore = CachingService.create({ l2: { serializer } });

/** A read is a hit (bytes, dependencies) or a miss, each with the version. */
export function versionOf(read: SecondLevelRead): number {
  if (read.hit) return read.value.length + read.dependencies.length + read.version;
  // @ts-expect-error a miss has no value
  return read.value;
}
