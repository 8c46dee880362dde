/**
 * The last sequence number seen from each sender, for detecting lost messages on an ordered bus. Bounded:
 * beyond `maxSenders`, the sender heard from least recently is forgotten (its next message then sets a new
 * baseline, as a new sender's does), so gap detection stays on for the `maxSenders` most active senders
 * however many instances share the bus.
 */
export class SequenceTracker {
  private readonly last = new Map<string, number>();
  /** Above this many senders, each message moves its sender to the back (the order of recency). */
  private readonly recencyFrom: number;

  constructor(private readonly maxSenders: number) {
    this.recencyFrom = maxSenders >> 1;
  }

  /**
   * Records one message's sequence number; `true` when messages from that sender were missed since the
   * previous one seen. A number lower than the last one (a replayed or forged message, never a real
   * sender's next) becomes the new baseline: a forged huge number costs one gap, and cannot hide later ones.
   */
  observe(sender: string, sequence: number): boolean {
    const last = this.last.get(sender);
    if (last === sequence) return false;
    if (last === undefined) {
      if (this.last.size >= this.maxSenders) this.forgetLeastRecent();
    } else if (this.last.size > this.recencyFrom) {
      this.last.delete(sender);
    }
    this.last.set(sender, sequence);
    return last !== undefined && sequence > last + 1;
  }

  /** Forgets every sender (after an outage, which the engine recovers from by clearing anyway). */
  clear(): void {
    this.last.clear();
  }

  get size(): number {
    return this.last.size;
  }

  private forgetLeastRecent(): void {
    const oldest = this.last.keys().next();
    if (oldest.done !== true) this.last.delete(oldest.value);
  }
}
