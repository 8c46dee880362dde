import { Client, Pool, type ClientConfig } from 'pg';
import type { PostgresConnection, ResolvedPostgresSynchronizationOptions } from './postgres-synchronization-options';

/** What one transport connection publishes through and listens with. */
export interface PostgresClients {
  /** Runs `SELECT pg_notify(...)`: the application's pool, or one cachet created. */
  readonly pool: Pool;
  /** Whether cachet created {@link PostgresClients.pool}, and so ends it. */
  readonly ownsPool: boolean;
  /** cachet's own connection that LISTENs (it is always cachet's: a pooled client would be handed back). */
  readonly listener: Client;
}

/** Tells a `pg.Pool` apart from a URL or client options (duck-typed, so a second copy of `pg` works too). */
export function isPool(connection: PostgresConnection): connection is Pool {
  return typeof connection === 'object' && typeof (connection as Partial<Pool>).connect === 'function' && typeof (connection as Partial<Pool>).query === 'function';
}

/** Creates, not yet connected, the listening client and (unless the application gave one) the pool. */
export function createPostgresClients({ connection, connectTimeoutMs }: ResolvedPostgresSynchronizationOptions): PostgresClients {
  const config: ClientConfig = isPool(connection) ? connection.options : typeof connection === 'string' ? { connectionString: connection } : connection;
  const withTimeout: ClientConfig = { ...config, connectionTimeoutMillis: config.connectionTimeoutMillis || connectTimeoutMs };
  const pool = isPool(connection) ? connection : new Pool(withTimeout);
  // An idle pooled client that dies emits 'error' on the pool; failed publishes are reported through rejections.
  if (!isPool(connection)) pool.on('error', ignore);
  return { pool, ownsPool: !isPool(connection), listener: new Client(withTimeout) };
}

/** Ends what cachet created without waiting: on a dead link, the goodbye would never be answered. */
export function endPostgresClients({ pool, ownsPool, listener }: PostgresClients): void {
  listener.end().catch(ignore);
  if (ownsPool) pool.end().catch(ignore);
}

export function ignore(): void {}
