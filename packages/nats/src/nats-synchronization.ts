import { randomUUID } from 'node:crypto';
import type { SynchronizationTransport, TransportConnection, TransportListener } from '@cachet/core';
import { SynchronizationError } from '@cachet/core';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  isNatsConnection,
  resolveNatsSynchronizationOptions,
  type NatsSynchronizationOptions,
  type ResolvedNatsSynchronizationOptions,
} from './nats-synchronization-options';
import { NatsTransportConnection } from './nats-transport-connection';

/**
 * Keeps the local caches of several processes coherent through core NATS publish/subscribe (no JetStream):
 * hand it to `CachingService.create({ synchronization })`. Each caching service that uses it opens its own
 * NATS connection (or subscribes on the application's); the synchronization engine of `@cachet/core` does
 * the rest.
 *
 * @example
 * ```ts
 * const service = CachingService.create({
 *   synchronization: new NatsSynchronization({ servers: 'nats://127.0.0.1:4222', subject: 'shop.cache' }),
 * });
 * await service.initialize();
 * ```
 */
export class NatsSynchronization implements SynchronizationTransport {
  readonly name = 'nats';
  readonly #options: ResolvedNatsSynchronizationOptions;

  /** @throws {@link NatsSynchronizationOptionError} when an option is invalid. */
  constructor(options: NatsSynchronizationOptions) {
    this.#options = resolveNatsSynchronizationOptions(options);
  }

  /** The subject this transport publishes and listens on. */
  get subject(): string {
    return this.#options.subject;
  }

  /**
   * Connects (unless given a connection), subscribes to the subject and to this connection's probe subject
   * (`<subject>.probe.<random id>`), and resolves once the server has both subscriptions.
   * @throws {@link SynchronizationError} (`E_SYNC_CONNECT`) when NATS cannot be reached.
   */
  async connect(listener: TransportListener): Promise<TransportConnection> {
    const { subject, connection } = this.#options;
    try {
      const nats: NatsConnection = isNatsConnection(connection) ? connection : await connect(connection);
      const transport = new NatsTransportConnection(nats, nats !== connection, [subject, `${subject}.probe.${randomUUID()}`], listener);
      await nats.flush().catch(async (error: unknown) => {
        await transport.close();
        throw error;
      });
      return transport;
    } catch (error) {
      throw new SynchronizationError(
        'E_SYNC_CONNECT',
        'nats',
        `Cannot subscribe to subject "${subject}" on NATS at ${this.#describeConnection()}: ${(error as Error).message}. ` +
          'Check that the NATS server is running and that the address and credentials are right.',
        { cause: error },
      );
    }
  }

  #describeConnection(): string {
    const { connection } = this.#options;
    if (isNatsConnection(connection)) return connection.getServer() || 'the given connection';
    // Passwords in server URLs stay out of messages.
    return String(connection.servers).replace(/\/\/([^:@/]*):[^@/]*@/g, '//$1:***@');
  }
}
