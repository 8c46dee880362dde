import type { SynchronizationTransport, TransportConnection, TransportListener } from '../sync/transport';

/**
 * Wraps a transport to break it on command, for tests of what happens when a bus misbehaves: cut the
 * link (reported as down, nothing in or out), restore it (reported as up), or silently lose messages
 * without reporting anything.
 */
export class FaultInjectingTransport implements SynchronizationTransport {
  readonly name: string;
  private readonly listeners = new Set<TransportListener>();
  private cut = false;
  private silentlyDropped = 0;

  constructor(private readonly inner: SynchronizationTransport) {
    this.name = `faulty ${inner.name}`;
  }

  async connect(listener: TransportListener): Promise<TransportConnection> {
    const guarded: TransportListener = {
      message: (payload) => {
        if (this.cut) return;
        if (this.silentlyDropped > 0) {
          this.silentlyDropped--;
          return;
        }
        listener.message(payload);
      },
      down: (reason) => listener.down(reason),
      up: () => listener.up(),
    };
    const connection = await this.inner.connect(guarded);
    this.listeners.add(listener);
    const guard =
      (send: (payload: string) => Promise<void>) =>
      (payload: string): Promise<void> =>
        this.cut ? Promise.reject(new Error('link cut by FaultInjectingTransport')) : send.call(connection, payload);
    return {
      maxPayloadBytes: connection.maxPayloadBytes,
      ordered: connection.ordered,
      publish: guard(connection.publish),
      ...(connection.probe !== undefined ? { probe: guard(connection.probe) } : {}),
      close: async () => {
        this.listeners.delete(listener);
        await connection.close();
      },
    };
  }

  /** Cuts the link: reports it down; nothing is delivered and every publish fails until {@link restore}. */
  disconnect(reason = new Error('link cut by FaultInjectingTransport')): void {
    this.cut = true;
    for (const listener of this.listeners) listener.down(reason);
  }

  /** Restores the link and reports it up. */
  restore(): void {
    this.cut = false;
    for (const listener of this.listeners) listener.up();
  }

  /** Loses the next `count` incoming messages without reporting anything, as a lossy bus would. */
  loseIncoming(count: number): void {
    this.silentlyDropped += count;
  }
}
