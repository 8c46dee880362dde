import type { SynchronizationStats } from '../sync/synchronization-events';

/** A snapshot of a service's second-level counters (`CachingService.create({ l2 })`). */
export interface SecondLevelStats {
  /** `down` while the store is unreachable, or until what it missed was replayed and the first level cleared. */
  state: 'up' | 'down';
  /** Misses of the first level served by the second. */
  hits: number;
  /** Misses of both levels (the method ran). */
  misses: number;
  /** Results stored in the second level. */
  writes: number;
  /** Results the store refused because an invalidation overtook their load (stored in neither level). */
  refused: number;
  /** Results not written because the store was down. */
  skipped: number;
  /** Results the serializer refused (kept in the first level only; each reported with an `error` event). */
  unserializable: number;
  /** Operations of the store that failed (each reported with an `error` event). */
  errors: number;
  /** Invalidations waiting to be replayed on the store (distinct keys and tags; a pending clear counts one). */
  pendingInvalidations: number;
}

/** A snapshot of a caching service's counters. */
export interface CachingStats {
  hits: number;
  misses: number;
  sets: number;
  /** Loads whose result was not stored because an invalidation overtook them. */
  fenced: number;
  /** Invalidation operations applied locally (local and remote). */
  invalidations: number;
  /** Entries held by the backend now. */
  entries: number;
  /** Present when synchronization is configured. */
  sync?: SynchronizationStats;
  /** Present when a second level is configured. */
  l2?: SecondLevelStats;
}
