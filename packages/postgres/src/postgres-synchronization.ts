import { randomUUID } from 'node:crypto';
import type { SynchronizationTransport, TransportConnection, TransportListener } from '@cachet/core';
import { SynchronizationError } from '@cachet/core';
import { createPostgresClients, endPostgresClients, isPool } from './postgres-clients';
import {
  resolvePostgresSynchronizationOptions,
  type PostgresSynchronizationOptions,
  type ResolvedPostgresSynchronizationOptions,
} from './postgres-synchronization-options';
import { PostgresTransportConnection } from './postgres-transport-connection';

/**
 * Keeps the local caches of several processes coherent through PostgreSQL LISTEN/NOTIFY, over the database
 * an application already runs: hand it to `CachingService.create({ synchronization })`. Each caching service
 * that uses it holds one connection of its own that LISTENs, and publishes with `pg_notify` through a pool;
 * the synchronization engine of `@cachet/core` does the rest.
 *
 * @example
 * ```ts
 * const service = CachingService.create({
 *   synchronization: new PostgresSynchronization({ connection: 'postgres://127.0.0.1:5432/shop', channel: 'shop_cache' }),
 * });
 * await service.initialize();
 * ```
 */
export class PostgresSynchronization implements SynchronizationTransport {
  readonly name = 'postgres';
  readonly #options: ResolvedPostgresSynchronizationOptions;

  /** @throws {@link PostgresSynchronizationOptionError} when an option is invalid. */
  constructor(options: PostgresSynchronizationOptions) {
    this.#options = resolvePostgresSynchronizationOptions(options);
  }

  /** The notification channel this transport publishes and listens on. */
  get channel(): string {
    return this.#options.channel;
  }

  /**
   * Connects the listening client and resolves once PostgreSQL has run its LISTEN on the channel and on
   * this connection's probe channel (`cachet_probe_<random id>`), on which only it listens.
   * @throws {@link SynchronizationError} (`E_SYNC_CONNECT`) when PostgreSQL cannot be reached in time.
   */
  async connect(listener: TransportListener): Promise<TransportConnection> {
    const { channel, connectTimeoutMs } = this.#options;
    const clients = createPostgresClients(this.#options);
    const channels = [channel, `cachet_probe_${randomUUID().replaceAll('-', '')}`] as const;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          await clients.listener.connect();
          for (const name of channels) await clients.listener.query(`LISTEN ${clients.listener.escapeIdentifier(name)}`);
        })(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`LISTEN not acknowledged after ${connectTimeoutMs} ms`)), connectTimeoutMs))),
      ]);
    } catch (error) {
      endPostgresClients(clients);
      throw new SynchronizationError(
        'E_SYNC_CONNECT',
        'postgres',
        `Cannot LISTEN on channel "${channel}" at ${this.#describeConnection()}: ${(error as Error).message}. ` +
          'Check that PostgreSQL is running and that the address and credentials are right.',
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    return new PostgresTransportConnection(clients, channels, listener);
  }

  #describeConnection(): string {
    const { connection } = this.#options;
    const config = isPool(connection) ? connection.options : typeof connection === 'string' ? { connectionString: connection } : connection;
    if (config.connectionString !== undefined) return config.connectionString.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
    return `${config.host ?? process.env['PGHOST'] ?? 'localhost'}:${config.port ?? process.env['PGPORT'] ?? 5432}`;
  }
}
