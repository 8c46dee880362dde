import type { SynchronizationTransport, TransportConnection, TransportListener } from './transport';

/**
 * A bus inside one process: every caching service created with the same `InProcessBus` stays coherent
 * with the others, as several app instances would over Redis. Delivery is asynchronous (a microtask
 * later), like a real bus, and never lost.
 *
 * @example
 * ```ts
 * const bus = new InProcessBus();
 * const first = CachingService.create({ synchronization: bus });
 * const second = CachingService.create({ synchronization: bus });
 * ```
 */
export class InProcessBus implements SynchronizationTransport {
  readonly name = 'in-process';
  private readonly listeners = new Set<TransportListener>();

  async connect(listener: TransportListener): Promise<TransportConnection> {
    this.listeners.add(listener);
    const listeners = this.listeners;
    return {
      maxPayloadBytes: 1024 * 1024,
      ordered: true,
      publish: async (payload) => {
        if (!listeners.has(listener)) throw new Error('this in-process bus connection is closed');
        const receivers = [...listeners];
        queueMicrotask(() => {
          for (const receiver of receivers) receiver.message(payload);
        });
      },
      close: async () => {
        listeners.delete(listener);
      },
    };
  }
}
