import type { SynchronizationTransport, TransportConnection, TransportListener } from '@cachet/core';

/** What a {@link ControllableTransport} does with a publish. */
export type PublishBehaviour = 'deliver' | 'swallow' | 'reject';

/**
 * Wraps a transport to misbehave without ever reporting it, which FaultInjectingTransport cannot do:
 * publishes that the bus accepts but never delivers (`swallow`), or that it refuses (`reject`).
 */
export class ControllableTransport implements SynchronizationTransport {
  readonly name = 'controllable';
  publishes: PublishBehaviour = 'deliver';

  constructor(private readonly inner: SynchronizationTransport) {}

  async connect(listener: TransportListener): Promise<TransportConnection> {
    const connection = await this.inner.connect(listener);
    return {
      maxPayloadBytes: connection.maxPayloadBytes,
      ordered: connection.ordered,
      publish: async (payload) => {
        if (this.publishes === 'reject') throw new Error('publish refused by ControllableTransport');
        if (this.publishes === 'deliver') await connection.publish(payload);
      },
      close: () => connection.close(),
    };
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
