import type { SynchronizationTransport, TransportConnection, TransportListener } from './transport';

/**
 * A bus inside one process: every caching service created with the same `InProcessSynchronization` stays
 * coherent with the others, as several app instances would over Redis. Delivery is asynchronous (a
 * microtask later), like a real bus, and never lost.
 *
 * @example
 * ```ts
 * const bus = new InProcessSynchronization();
 * const first = CachingService.create({ synchronization: bus });
 * const second = CachingService.create({ synchronization: bus });
 * ```
 */
export class InProcessSynchronization implements SynchronizationTransport {
  readonly name = 'in-process';
  private readonly listeners = new Set<TransportListener>();

  async connect(listener: TransportListener): Promise<TransportConnection> {
    this.listeners.add(listener);
    const listeners = this.listeners;
    const deliver = (receivers: readonly TransportListener[], payload: string): Promise<void> => {
      if (!listeners.has(listener)) return Promise.reject(new Error('this in-process connection is closed'));
      queueMicrotask(() => {
        for (const receiver of receivers) receiver.message(payload);
      });
      return Promise.resolve();
    };
    return {
      maxPayloadBytes: 1024 * 1024,
      ordered: true,
      publish: (payload) => deliver([...listeners], payload),
      probe: (payload) => deliver([listener], payload),
      close: async () => {
        listeners.delete(listener);
      },
    };
  }
}
