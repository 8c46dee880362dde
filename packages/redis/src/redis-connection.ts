import { Redis, type Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { describeOptionValue } from '@cachet/core';

/** An ioredis client or cluster, connected or not. */
export type RedisClient = Redis | Cluster;

/**
 * Where Redis is: a URL (`redis://user:pass@host:6379/0`, `rediss://…`), ioredis options, or an existing
 * ioredis client or cluster. From a URL or options, cachet creates, and later closes, its own connections.
 * An existing client is `duplicate()`d for cachet's own connections (keeping its address, TLS, Sentinel and
 * auth settings), which cachet closes and replaces as it needs; the client itself is never used, and never
 * closed.
 */
export type RedisConnection = string | RedisOptions | RedisClient;

/** Tells an ioredis client or cluster apart from a URL or an options object. */
export function isRedisClient(connection: RedisConnection): connection is RedisClient {
  return typeof connection === 'object' && typeof (connection as Partial<RedisClient>).duplicate === 'function';
}

/**
 * Checks a `connection` option once, at construction.
 * @param fail builds the error to throw, given what is wrong (the caller's option error, naming `connection`).
 */
export function validateConnection(connection: unknown, fail: (problem: string) => Error): RedisConnection {
  if (connection === undefined) {
    throw fail('is required. Pass a Redis URL such as "redis://127.0.0.1:6379", ioredis options, or an ioredis client.');
  }
  if (typeof connection === 'string') {
    if (connection.trim() === '') throw fail('the URL is empty. Pass a URL such as "redis://127.0.0.1:6379".');
    return connection;
  }
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw fail(`expected a Redis URL, ioredis options or an ioredis client, but got ${describeOptionValue(connection)}.`);
  }
  const candidate = connection as RedisConnection;
  if (isRedisClient(candidate) && !candidate.isCluster && (candidate as Redis).mode !== 'normal') {
    throw fail(
      `the ioredis client is in "${(candidate as Redis).mode}" mode and cannot publish. Pass a client that is not subscribed to anything, or a URL.`,
    );
  }
  return candidate;
}

/**
 * A new connection of cachet's own, not yet connected: from a URL or options, or a duplicate of an
 * application's client, with `extra` options on top (a cluster's duplicate gets `lazyConnect` and what `clusterExtra` makes of the cluster).
 * Its connection errors are ignored here: the caller reports them through its own channel.
 */
export function createRedisClient(
  connection: RedisConnection,
  extra: Partial<RedisOptions>,
  clusterExtra: (cluster: Cluster) => Partial<ClusterOptions> = () => ({}),
): RedisClient {
  let client: RedisClient;
  if (!isRedisClient(connection)) client = typeof connection === 'string' ? new Redis(connection, extra) : new Redis({ ...connection, ...extra });
  else if (!connection.isCluster) client = (connection as Redis).duplicate(extra);
  else client = (connection as Cluster).duplicate(undefined, { lazyConnect: true, ...clusterExtra(connection as Cluster) });
  client.on('error', ignore);
  return client;
}

/** Where `connection` points, for messages (a URL's password hidden). */
export function describeConnection(connection: RedisConnection): string {
  if (typeof connection === 'string') return connection.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  if (isRedisClient(connection) && connection.isCluster) return 'the given cluster';
  const options = isRedisClient(connection) ? (connection as Redis).options : connection;
  return options.path ?? `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

/** Drops an error or result that is reported elsewhere. */
export function ignore(): void {}
