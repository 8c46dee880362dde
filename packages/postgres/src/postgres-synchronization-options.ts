import { Pool, type ClientConfig } from 'pg';
import { describeOptionValue, positiveMilliseconds } from '@cachet/core';
import { PostgresSynchronizationOptionError } from './errors';

/**
 * Where PostgreSQL is: a URL (`postgres://user:pass@host:5432/db`), node-postgres client options, or an
 * application's existing `pg.Pool`. From a URL or options, cachet creates, and later closes, its own pool
 * and listening client. From a pool, cachet publishes through it (one short `SELECT pg_notify(...)` per
 * message) and opens one dedicated client of its own, with the pool's options, to LISTEN; it never ends the
 * pool.
 */
export type PostgresConnection = string | ClientConfig | Pool;

/** Options of {@link PostgresSynchronization}. */
export interface PostgresSynchronizationOptions {
  /** The database to synchronize through. See {@link PostgresConnection}. */
  connection: PostgresConnection;
  /**
   * The notification channel invalidations travel on: any text of 1 to 63 UTF-8 bytes (PostgreSQL's
   * identifier limit), case-sensitive. Services that must stay coherent use the same channel and database;
   * the caching service's `namespace` already keeps applications apart on one channel.
   * @default 'cachet_invalidation'
   */
  channel?: string;
  /**
   * How long `connect()` (run by `CachingService.initialize()`) waits for PostgreSQL to accept the listening
   * connection and its LISTEN before it rejects. A refused connection rejects at once.
   * @default 10_000
   */
  connectTimeoutMs?: number;
}

/** {@link PostgresSynchronizationOptions} validated, with every default filled in. */
export interface ResolvedPostgresSynchronizationOptions {
  readonly connection: PostgresConnection;
  readonly channel: string;
  readonly connectTimeoutMs: number;
}

/** The channel used when none is given. */
export const DEFAULT_CHANNEL = 'cachet_invalidation';

/** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1), so LISTEN and pg_notify would disagree. */
const MAX_CHANNEL_BYTES = 63;

/**
 * Validates the options once, at construction, and fills in the defaults.
 * @throws {@link PostgresSynchronizationOptionError} naming the first invalid option.
 */
export function resolvePostgresSynchronizationOptions(options: PostgresSynchronizationOptions): ResolvedPostgresSynchronizationOptions {
  if (typeof options !== 'object' || options === null) {
    throw new PostgresSynchronizationOptionError('options', 'expected an object such as `{ connection: "postgres://127.0.0.1:5432/app" }`.');
  }
  return {
    connection: validateConnection(options.connection),
    channel: validateChannel(options.channel),
    connectTimeoutMs: positiveMilliseconds(options.connectTimeoutMs, 10_000, (problem) => new PostgresSynchronizationOptionError('connectTimeoutMs', problem)),
  };
}

function validateConnection(connection: unknown): PostgresConnection {
  if (connection === undefined) {
    throw new PostgresSynchronizationOptionError(
      'connection',
      'is required. Pass a URL such as "postgres://127.0.0.1:5432/app", node-postgres client options, or a pg.Pool.',
    );
  }
  if (typeof connection === 'string') {
    if (connection.trim() === '') throw new PostgresSynchronizationOptionError('connection', 'the URL is empty. Pass a URL such as "postgres://127.0.0.1:5432/app".');
    return connection;
  }
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw new PostgresSynchronizationOptionError('connection', `expected a URL, node-postgres client options or a pg.Pool, but got ${describeOptionValue(connection)}.`);
  }
  return connection as PostgresConnection;
}

function validateChannel(channel: unknown): string {
  if (channel === undefined) return DEFAULT_CHANNEL;
  if (typeof channel !== 'string' || channel === '') {
    throw new PostgresSynchronizationOptionError('channel', `expected a non-empty string, but got ${describeOptionValue(channel)}.`);
  }
  const bytes = Buffer.byteLength(channel);
  if (bytes > MAX_CHANNEL_BYTES) {
    throw new PostgresSynchronizationOptionError('channel', `"${channel}" is ${bytes} bytes long; PostgreSQL channel names are at most ${MAX_CHANNEL_BYTES} bytes.`);
  }
  if (channel.includes('\0')) throw new PostgresSynchronizationOptionError('channel', 'contains a NUL character, which PostgreSQL does not allow in a name.');
  return channel;
}
