import type { Redis } from 'ioredis';
import type { SynchronizationTransport, TransportConnection, TransportListener } from '@cachet/core';
import { SynchronizationError } from '@cachet/core';
import { messageOf } from './errors';
import { EchoConfirmedPublisher, honoursReplySkip } from './echo-confirmed-publisher';
import { closeClient, createRedisClients, ownedPublisher, whenReady, withNewPublisher } from './redis-clients';
import {
  isRedisClient,
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
   * Connects a publisher and a subscriber, and resolves once Redis has acknowledged the subscription. On a
   * publisher cachet created, it also finds out whether Redis honours `CLIENT REPLY SKIP`; if so, publishes
   * are confirmed by their echo instead of an answer (see {@link EchoConfirmedPublisher}).
   * @throws {@link SynchronizationError} (`E_SYNC_CONNECT`) when Redis cannot be reached in time.
   */
  async connect(listener: TransportListener): Promise<TransportConnection> {
    const { channel, connectTimeoutMs } = this.#options;
    let clients = createRedisClients(this.#options);
    let echoes: EchoConfirmedPublisher | undefined;
    try {
      await Promise.all([whenReady(clients.publisher, connectTimeoutMs), whenReady(clients.subscriber, connectTimeoutMs)]);
      const publisher = ownedPublisher(clients);
      const [, skipsReplies] = await Promise.all([clients.subscriber.subscribe(channel), publisher !== undefined && honoursReplySkip(publisher)]);
      if (skipsReplies) {
        echoes = new EchoConfirmedPublisher(publisher as Redis, channel);
      } else if (publisher !== undefined) {
        clients = withNewPublisher(clients, this.#options);
        await whenReady(clients.publisher, connectTimeoutMs);
      }
    } catch (error) {
      await Promise.all(clients.owned.map(closeClient));
      throw new SynchronizationError(
        'E_SYNC_CONNECT',
        'redis',
        `Cannot subscribe to channel "${channel}" on Redis at ${this.#describeConnection()}: ` +
          `${messageOf(error)}. Check that Redis is running and that the address and credentials are right.`,
        { cause: error },
      );
    }
    return new RedisTransportConnection(clients, channel, listener, echoes);
  }

  #describeConnection(): string {
    const { connection } = this.#options;
    if (typeof connection === 'string') return redactUrl(connection);
    if (isRedisClient(connection) && connection.isCluster) return 'the given cluster';
    const options = isRedisClient(connection) ? (connection as Redis).options : connection;
    return options.path ?? `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
  }
}

/** Hides the password of a Redis URL in messages. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
