import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { describeOptionValue, positiveMilliseconds } from '@cachet/core';
import { RedisSynchronizationOptionError } from './errors';

/** An ioredis client or cluster, connected or not. */
export type RedisClient = Redis | Cluster;

/**
 * Where Redis is: a URL (`redis://user:pass@host:6379/0`, `rediss://…`), ioredis options, or an existing
 * ioredis client or cluster. From a URL or options, cachet creates, and later closes, its own connections.
 * An existing client is `duplicate()`d for cachet's own publisher and subscriber (keeping its address, TLS,
 * Sentinel and auth settings), which cachet closes and replaces as it needs; the client itself is never
 * used to publish, and never closed.
 */
export type RedisConnection = string | RedisOptions | RedisClient;

/** Options of {@link RedisSynchronization}. */
export interface RedisSynchronizationOptions {
  /** The Redis server, cluster or client to synchronize through. See {@link RedisConnection}. */
  connection: RedisConnection;
  /**
   * The pub/sub channel invalidations travel on. Services that must stay coherent use the same channel;
   * the caching service's `namespace` already keeps applications apart on one channel.
   * @default 'cachet:invalidation'
   */
  channel?: string;
  /**
   * How long `connect()` (run by `CachingService.initialize()`) waits for Redis to accept the connections
   * and acknowledge the subscription before it rejects. A refused connection rejects at once.
   * @default 10_000
   */
  connectTimeoutMs?: number;
}

/** {@link RedisSynchronizationOptions} validated, with every default filled in. */
export interface ResolvedRedisSynchronizationOptions {
  readonly connection: RedisConnection;
  readonly channel: string;
  readonly connectTimeoutMs: number;
}

/** The channel used when none is given. */
export const DEFAULT_CHANNEL = 'cachet:invalidation';

/** Tells an ioredis client or cluster apart from a URL or an options object. */
export function isRedisClient(connection: RedisConnection): connection is RedisClient {
  return typeof connection === 'object' && typeof (connection as Partial<RedisClient>).duplicate === 'function';
}

/**
 * Validates the options once, at construction, and fills in the defaults.
 * @throws {@link RedisSynchronizationOptionError} naming the first invalid option.
 */
export function resolveRedisSynchronizationOptions(options: RedisSynchronizationOptions): ResolvedRedisSynchronizationOptions {
  if (typeof options !== 'object' || options === null) {
    throw new RedisSynchronizationOptionError('options', 'expected an object such as `{ connection: "redis://127.0.0.1:6379" }`.');
  }
  return {
    connection: validateConnection(options.connection),
    channel: validateChannel(options.channel),
    connectTimeoutMs: positiveMilliseconds(options.connectTimeoutMs, 10_000, (problem) => new RedisSynchronizationOptionError('connectTimeoutMs', problem)),
  };
}

function validateConnection(connection: unknown): RedisConnection {
  if (connection === undefined) {
    throw new RedisSynchronizationOptionError('connection', 'is required. Pass a Redis URL such as "redis://127.0.0.1:6379", ioredis options, or an ioredis client.');
  }
  if (typeof connection === 'string') {
    if (connection.trim() === '') {
      throw new RedisSynchronizationOptionError('connection', 'the URL is empty. Pass a URL such as "redis://127.0.0.1:6379".');
    }
    return connection;
  }
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw new RedisSynchronizationOptionError(
      'connection',
      `expected a Redis URL, ioredis options or an ioredis client, but got ${describeOptionValue(connection)}.`,
    );
  }
  const candidate = connection as RedisConnection;
  if (isRedisClient(candidate) && !candidate.isCluster && (candidate as Redis).mode !== 'normal') {
    throw new RedisSynchronizationOptionError(
      'connection',
      `the ioredis client is in "${(candidate as Redis).mode}" mode and cannot publish. Pass a client that is not subscribed to anything, or a URL.`,
    );
  }
  return candidate;
}

function validateChannel(channel: unknown): string {
  if (channel === undefined) return DEFAULT_CHANNEL;
  if (typeof channel !== 'string' || channel === '') {
    throw new RedisSynchronizationOptionError('channel', `expected a non-empty string, but got ${describeOptionValue(channel)}.`);
  }
  return channel;
}
