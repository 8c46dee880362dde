import type { SynchronizationStats } from '../sync/synchronization-events';

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
}
