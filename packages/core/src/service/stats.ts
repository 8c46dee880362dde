import type { SynchronizationStats } from '../sync/synchronization-events';
import type { ResilienceStats } from './resilience-events';

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
  /** Present once a method with resilience options (fail-safe, timeouts, eager refresh, auto-reload) was called. */
  resilience?: ResilienceStats;
}
