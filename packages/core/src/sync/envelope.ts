/** What one bus message asks every other instance to drop. Never values: only keys and dependencies. */
export interface Invalidation {
  /** Cache keys to remove (their dependents go too). */
  readonly keys: readonly string[];
  /** Tags and dependency keys whose dependents to remove. */
  readonly dependencies: readonly string[];
  /** Remove everything. */
  readonly all: boolean;
}

/** One message on the bus. */
export interface Envelope extends Invalidation {
  /** The namespace of the services that must act on it; others drop it. */
  readonly namespace: string;
  /** The id of the sending instance: its own messages come back to it and are not applied. */
  readonly sender: string;
  /** Per-sender sequence number, a positive safe integer; on an ordered bus a jump means a message was lost. */
  readonly sequence: number;
  /** A liveness probe that invalidates nothing. */
  readonly heartbeat: boolean;
  /**
   * When the sender published it, in milliseconds since the epoch on the sender's clock (`Date.now()`):
   * set on invalidations, for the propagation delay; `undefined` from senders that predate it.
   */
  readonly sentAt?: number | undefined;
}

/**
 * Why a received message was dropped: `'foreign'` (not a cachet message), `'version'` (another format
 * version), `'corrupt'` (malformed: bad JSON, a sequence that is not a positive safe integer, a mangled
 * copy of this instance's own message), `'namespace'` (another namespace), `'oversized'` (larger than the
 * transport's `maxPayloadBytes`, dropped unread), `'unauthenticated'` (with `signingKeys`: no valid
 * signature under any listed key).
 */
export type DropReason = 'foreign' | 'version' | 'corrupt' | 'namespace' | 'oversized' | 'unauthenticated';
