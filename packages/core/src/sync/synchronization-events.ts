import type { DropReason } from './envelope';

/** Why the local cache was cleared to recover from missed bus messages. */
export type GapReason = 'disconnect' | 'heartbeat' | 'sequence';

/** The events the synchronization engine emits through its caching service. */
export interface SynchronizationEvents {
  /** Something failed in the background, such as a publish given up after every retry. */
  error: { readonly error: unknown; readonly operation: string };
  /** The bus link is down: invalidations from other instances may be missed until it is back. */
  'sync-down': { readonly reason: Error };
  /** The bus link is up again (its first message since the outage came back). */
  'sync-up': { readonly downForMs: number };
  /** Messages were (or may have been) missed, so the local cache was cleared and in-flight loads fenced. */
  gap: { readonly reason: GapReason; readonly downForMs: number };
  /** A message on the bus was dropped; `reason` says why. */
  'dropped-message': { readonly reason: DropReason };
  /**
   * A message came in and was accepted: an `invalidation` or a shared `heartbeat` from another instance, or
   * an `echo` of this instance's own message or probe. Dropped ones are `dropped-message` instead.
   */
  'message-received': { readonly kind: 'invalidation' | 'heartbeat' | 'echo' };
}

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
  /** This instance's own messages come back (probes included). */
  echoes: number;
  /** Times the local cache was cleared because messages were or may have been missed. */
  gaps: number;
  /** Times the engine closed its connection and opened a new one, after the link stalled. */
  reconnects: number;
  /** Messages dropped, by reason. */
  dropped: Record<DropReason, number>;
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
    reconnects: 0,
    dropped: { foreign: 0, version: 0, corrupt: 0, namespace: 0, oversized: 0, unauthenticated: 0 },
  };
}
