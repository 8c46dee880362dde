import { randomUUID } from 'node:crypto';
import type { SynchronizationTransport, TransportConnection, TransportListener } from '@cachet/core';
import { SynchronizationError } from '@cachet/core';
import { messageOf } from './errors';
import { createRedisClients, whenReady } from './redis-clients';
import { describeConnection } from './redis-connection';
import {
  resolveRedisSynchronizationOptions,
  type RedisSynchronizationOptions,
  type ResolvedRedisSynchronizationOptions,
} from './redis-synchronization-options';
import { RedisTransportConnection } from './redis-transport-connection';

/**
 * Keeps the local caches of several processes coherent through Redis pub/sub: hand it to
 * `CachingService.create({ synchronization })`. Each caching service that uses it opens its own connection
 * (a publisher and a subscriber on one channel); the synchronization engine of `@cachet/core` does the rest.
 *
 * @example
 * ```ts
 * const service = CachingService.create({
 *   synchronization: new RedisSynchronization({ connection: 'redis://127.0.0.1:6379', channel: 'shop:cache' }),
 * });
 * await service.initialize();
 * ```
 */
export class RedisSynchronization implements SynchronizationTransport {
  readonly name = 'redis';
  readonly #options: ResolvedRedisSynchronizationOptions;

  /** @throws {@link RedisSynchronizationOptionError} when an option is invalid. */
  constructor(options: RedisSynchronizationOptions) {
    this.#options = resolveRedisSynchronizationOptions(options);
  }

  /** The pub/sub channel this transport publishes and listens on. */
  get channel(): string {
    return this.#options.channel;
  }

  /**
   * Connects a publisher and a subscriber, and resolves once Redis has acknowledged the subscription to the
   * channel and to this connection's probe channel (`<channel>:probe:<random id>`), on which only its own
   * subscriber listens.
   * @throws {@link SynchronizationError} (`E_SYNC_CONNECT`) when Redis cannot be reached in time.
   */
  async connect(listener: TransportListener): Promise<TransportConnection> {
    const { channel, connectTimeoutMs } = this.#options;
    const clients = createRedisClients(this.#options);
    const channels = [channel, `${channel}:probe:${randomUUID()}`] as const;
    try {
      await Promise.all([whenReady(clients.publisher, connectTimeoutMs), whenReady(clients.subscriber, connectTimeoutMs)]);
      await clients.subscriber.subscribe(...channels);
    } catch (error) {
      clients.publisher.disconnect();
      clients.subscriber.disconnect();
      throw new SynchronizationError(
        'E_SYNC_CONNECT',
        'redis',
        `Cannot subscribe to channel "${channel}" on Redis at ${describeConnection(this.#options.connection)}: ` +
          `${messageOf(error)}. Check that Redis is running and that the address and credentials are right.`,
        { cause: error },
      );
    }
    return new RedisTransportConnection(clients, channels, listener);
  }
}
