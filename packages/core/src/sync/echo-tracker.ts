/** Something this instance sent and expects back: a message or a probe, with when it was sent. */
interface Expectation {
  readonly payload: string;
  readonly since: number;
}

/**
 * What this instance published and has not seen come back yet: the engine's liveness signal. An echo
 * counts only when it is exactly the text sent (a truncated or extended copy, or a forgery under this
 * instance's id, proves nothing), and it also settles everything sent before it: a link that delivered a
 * later message is alive.
 */
export class EchoTracker {
  /** Published messages awaiting their echo, by sequence number, in the order sent. */
  private readonly messages = new Map<number, Expectation>();
  /** Probes awaiting their echo, by text, in the order sent. */
  private readonly probes = new Map<string, number>();

  get isEmpty(): boolean {
    return this.messages.size === 0 && this.probes.size === 0;
  }

  expectMessage(sequence: number, payload: string, now: number): void {
    if (!this.messages.has(sequence)) this.messages.set(sequence, { payload, since: now });
  }

  expectProbe(payload: string, now: number): void {
    this.probes.set(payload, now);
  }

  /**
   * An own payload arrived, carrying `sequence`: when it is exactly something awaited, returns when that was
   * sent and settles it and everything sent before; otherwise `undefined`.
   */
  confirm(payload: string, sequence: number): number | undefined {
    let since = this.probes.get(payload);
    if (since === undefined) {
      const message = this.messages.get(sequence);
      if (message === undefined || message.payload !== payload) return undefined;
      since = message.since;
    }
    for (const [key, expectation] of this.messages) {
      if (expectation.since > since) break;
      this.messages.delete(key);
    }
    for (const [key, sentAt] of this.probes) {
      if (sentAt > since) break;
      this.probes.delete(key);
    }
    return since;
  }

  /** When the oldest expectation still open was sent; `undefined` when none is. */
  oldestSince(): number | undefined {
    const message = this.messages.values().next();
    const probe = this.probes.values().next();
    if (message.done === true) return probe.done === true ? undefined : probe.value;
    return probe.done === true ? message.value.since : Math.min(message.value.since, probe.value);
  }

  clear(): void {
    this.messages.clear();
    this.probes.clear();
  }
}
