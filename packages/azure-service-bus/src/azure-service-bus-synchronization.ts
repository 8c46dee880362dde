import type { SynchronizationTransport, TransportConnection, TransportListener } from '@cachet/core';
import { TRANSPORT_NAME } from './error-mapping';
import type { AzureServiceBusSynchronizationOptions } from './options';
import { resolveOptions, type ResolvedServiceBusOptions } from './resolve-options';
import { ServiceBusConnection } from './service-bus-connection';

/**
 * Keeps local caches coherent across instances through an Azure Service Bus topic: each connection sends to
 * the topic and receives, in receiveAndDelete mode, from its own subscription.
 *
 * `subscription` given selects the manual strategy; omitted, the automatic one (a subscription per
 * connection, created and deleted with the Manage right). Messages carry a short time-to-live.
 *
 * @example
 * ```ts
 * const service = CachingService.create({
 *   synchronization: new AzureServiceBusSynchronization({
 *     connectionString: process.env.AZURE_SERVICE_BUS_CONNECTION_STRING!,
 *     topic: 'invalidations',
 *   }),
 * });
 * await service.initialize();
 * ```
 */
export class AzureServiceBusSynchronization implements SynchronizationTransport {
  readonly name = TRANSPORT_NAME;
  private readonly options: ResolvedServiceBusOptions;

  /** @throws CacheConfigurationError when the options are inconsistent; nothing is contacted before `connect()`. */
  constructor(options: AzureServiceBusSynchronizationOptions) {
    this.options = resolveOptions(options);
  }

  /** The topic this transport publishes to. */
  get topic(): string {
    return this.options.topic;
  }

  /**
   * Opens a sender and a receiver (creating the subscription in the automatic strategy); resolves once the
   * sender is open and receiving has started, without waiting for the receiver link to attach. Receive
   * errors (such as a missing Listen right) are reported through `listener.down`.
   * @throws ServiceBusUnauthorizedError (wrong key, no Send right), ServiceBusManageRightError,
   * ServiceBusEntityNotFoundError (no topic), or SynchronizationError (`E_SYNC_CONNECT`) for anything else.
   */
  connect(listener: TransportListener): Promise<TransportConnection> {
    return ServiceBusConnection.open(this.options, listener);
  }
}
