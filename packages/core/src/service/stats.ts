import type { DropReason } from '../sync/envelope';

/** Counters of the synchronization engine. */
export interface SynchronizationStats {
  /** `idle` before `initialize()`, then `up` or `down`; `closed` after `dispose()`. */
  state: 'idle' | 'connecting' | 'up' | 'down' | 'closed';
  /** Messages accepted by the bus (batches and heartbeats). */
  published: number;
  /** Messages given up after every retry. */
  publishFailures: number;
  /** Messages received, own echoes and dropped ones included. */
  received: number;
  /** Messages from other instances applied to the local cache. */
  applied: number;
  /** This instance's own messages come back. */
  echoes: number;
  /** Times the local cache was cleared because messages were or may have been missed. */
  gaps: number;
  /** Messages dropped, by reason. */
  dropped: Record<DropReason, number>;
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
}

/** Fresh synchronization counters. */
export function emptySynchronizationStats(): SynchronizationStats {
  return {
    state: 'idle',
    published: 0,
    publishFailures: 0,
    received: 0,
    applied: 0,
    echoes: 0,
    gaps: 0,
    dropped: { foreign: 0, version: 0, corrupt: 0, namespace: 0 },
  };
}
