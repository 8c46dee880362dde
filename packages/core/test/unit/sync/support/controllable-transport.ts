import type { SynchronizationTransport, TransportConnection, TransportListener } from '@cachet/core';

/**
 * What a {@link ControllableTransport} does with a publish: deliver it, accept it and never deliver it
 * (`swallow`), refuse it (`reject`), or deliver it and confirm it only once its echo has reached this
 * connection's listener (`confirm-after-echo`, as the Redis transport does).
 */
export type PublishBehaviour = 'deliver' | 'swallow' | 'reject' | 'confirm-after-echo';

/**
 * Wraps a transport to misbehave without ever reporting it, which FaultInjectingTransport cannot do:
 * publishes that the bus accepts but never delivers (`swallow`), or that it refuses (`reject`); or to
 * confirm publishes late (`confirm-after-echo`).
 */
export class ControllableTransport implements SynchronizationTransport {
  readonly name = 'controllable';
  publishes: PublishBehaviour = 'deliver';
  /** How many publishes were confirmed (resolved) so far. */
  confirmed = 0;
  private readonly awaitingEcho = new Map<string, () => void>();
  private readonly confirmationWaiters: { count: number; wake: () => void }[] = [];

  constructor(private readonly inner: SynchronizationTransport) {}

  /** Resolves once `count` publishes have been confirmed. */
  whenConfirmed(count: number): Promise<void> {
    if (this.confirmed >= count) return Promise.resolve();
    return new Promise((wake) => this.confirmationWaiters.push({ count, wake }));
  }

  async connect(listener: TransportListener): Promise<TransportConnection> {
    const connection = await this.inner.connect({
      ...listener,
      message: (payload) => {
        listener.message(payload);
        const confirm = this.awaitingEcho.get(payload);
        this.awaitingEcho.delete(payload);
        confirm?.();
      },
    });
    const probe = connection.probe;
    return {
      maxPayloadBytes: connection.maxPayloadBytes,
      ordered: connection.ordered,
      // Probes fare as publishes do, except that they are never counted as confirmed publishes.
      ...(probe !== undefined
        ? {
            probe: async (payload: string) => {
              if (this.publishes === 'reject') throw new Error('probe refused by ControllableTransport');
              if (this.publishes !== 'swallow') await probe.call(connection, payload);
            },
          }
        : {}),
      publish: async (payload) => {
        if (this.publishes === 'reject') throw new Error('publish refused by ControllableTransport');
        if (this.publishes === 'confirm-after-echo') {
          const echoed = new Promise<void>((resolve) => this.awaitingEcho.set(payload, resolve));
          await connection.publish(payload);
          await echoed;
        } else if (this.publishes === 'deliver') {
          await connection.publish(payload);
        }
        this.confirm();
      },
      close: () => connection.close(),
    };
  }

  private confirm(): void {
    this.confirmed++;
    for (const waiter of this.confirmationWaiters.filter(({ count }) => this.confirmed >= count)) {
      this.confirmationWaiters.splice(this.confirmationWaiters.indexOf(waiter), 1);
      waiter.wake();
    }
  }
}

/** A transport that cannot connect, as with a bad address or bad credentials. */
export class UnreachableTransport implements SynchronizationTransport {
  readonly name = 'unreachable';
  attempts = 0;

  async connect(): Promise<TransportConnection> {
    this.attempts++;
    throw new Error('ECONNREFUSED 127.0.0.1:1');
  }
}
