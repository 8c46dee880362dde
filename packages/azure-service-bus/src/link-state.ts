import type { TransportListener } from '@cachet/core';

/**
 * Turns the receiver's attach and detach notifications into the listener's `down` and `up`: each outage is
 * reported once, and nothing is reported before the first attach or after close.
 */
export class LinkState {
  private state: 'connecting' | 'up' | 'down' | 'closed' = 'connecting';

  constructor(private readonly listener: TransportListener) {}

  /** The receiver link is attached; reports `up` when it comes back after an outage. */
  attached(): void {
    if (this.state === 'down') {
      this.state = 'up';
      this.listener.up();
    } else if (this.state === 'connecting') {
      this.state = 'up';
    }
  }

  /** The receiver link was lost or cannot receive; reports `down` once per outage. */
  lost(reason: Error): void {
    if (this.state !== 'up') return;
    this.state = 'down';
    this.listener.down(reason);
  }

  /** No more reports from now on. */
  close(): void {
    this.state = 'closed';
  }
}
