import { decodeEnvelope, type DropReason } from '@cachet/core';

/** What the watcher knows of one instance on the channel. */
export interface InstanceView {
  /** Its id on the bus (the `s` field of its messages). */
  readonly id: string;
  readonly namespace: string;
  /** Milliseconds since its last message or probe. */
  readonly lastSeenMsAgo: number;
  /** Invalidation messages it published on the channel since the watch began. */
  readonly invalidations: number;
  /** Shared heartbeats it published on the channel. */
  readonly heartbeats: number;
  /** Probes it sent on its own channel (`<channel>:probe:<id>`): how an idle instance shows it is alive. */
  readonly probes: number;
  /** Its last sequence number seen. */
  readonly sequence: number;
  /** Jumps in its sequence seen on the channel: messages this watcher (and likely others) missed. */
  readonly gaps: number;
}

/** A snapshot of the channel. */
export interface CensusSnapshot {
  /** Messages on the channel and the probe channels per second, since the previous snapshot. */
  readonly messagesPerSecond: number;
  /** Of those, invalidation messages per second. */
  readonly invalidationsPerSecond: number;
  /** Every sequence jump seen since the watch began. */
  readonly gaps: number;
  /** Messages that are not cachet's, or that it cannot read, by reason. */
  readonly undecodable: Partial<Record<DropReason, number>>;
  /** Instances heard from, most recently heard first. */
  readonly instances: readonly InstanceView[];
}

interface Instance {
  namespace: string;
  lastSeen: number;
  invalidations: number;
  heartbeats: number;
  probes: number;
  /** The last sequence of a message on the shared channel; 0 before the first. */
  sequence: number;
  gaps: number;
}

/**
 * Counts what crosses a channel, decoded with the core codec: instances (from their messages and their
 * probes), message rates, and sequence gaps. Only an observer: it never publishes.
 */
export class BusCensus {
  private readonly instances = new Map<string, Instance>();
  private readonly undecodable: Partial<Record<DropReason, number>> = {};
  private messages = 0;
  private invalidationMessages = 0;
  private gaps = 0;
  private since: number;

  constructor(now: number) {
    this.since = now;
  }

  /** One message, from the shared channel or (`probe`) from an instance's own probe channel. */
  record(payload: string, probe: boolean, now: number): void {
    this.messages++;
    const decoded = decodeEnvelope(payload, 0);
    if (!decoded.ok) {
      this.undecodable[decoded.reason] = (this.undecodable[decoded.reason] ?? 0) + 1;
      return;
    }
    const { sender, namespace, sequence, heartbeat } = decoded.envelope;
    let instance = this.instances.get(sender);
    if (instance === undefined) {
      instance = { namespace, lastSeen: now, invalidations: 0, heartbeats: 0, probes: 0, sequence: 0, gaps: 0 };
      this.instances.set(sender, instance);
    }
    instance.lastSeen = now;
    if (probe) {
      instance.probes++;
      return;
    }
    if (heartbeat) instance.heartbeats++;
    else {
      instance.invalidations++;
      this.invalidationMessages++;
    }
    // Each message on the shared channel takes the next number: a jump means some never arrived here.
    if (instance.sequence > 0 && sequence > instance.sequence + 1) {
      instance.gaps++;
      this.gaps++;
    }
    instance.sequence = sequence;
  }

  /** What was seen; rates cover the time since the previous snapshot, which starts the next period. */
  snapshot(now: number): CensusSnapshot {
    const seconds = Math.max(now - this.since, 1) / 1000;
    const snapshot: CensusSnapshot = {
      messagesPerSecond: round(this.messages / seconds),
      invalidationsPerSecond: round(this.invalidationMessages / seconds),
      gaps: this.gaps,
      undecodable: { ...this.undecodable },
      instances: [...this.instances]
        .map(([id, { lastSeen, ...counts }]) => ({ id, ...counts, lastSeenMsAgo: Math.round(now - lastSeen) }))
        .sort((a, b) => a.lastSeenMsAgo - b.lastSeenMsAgo),
    };
    this.since = now;
    this.messages = 0;
    this.invalidationMessages = 0;
    return snapshot;
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
