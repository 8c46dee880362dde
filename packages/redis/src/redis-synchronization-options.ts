import { describeOptionValue, positiveMilliseconds } from '@cachet/core';
import { RedisSynchronizationOptionError } from './errors';
import { type RedisConnection, validateConnection } from './redis-connection';

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

/**
 * Validates the options once, at construction, and fills in the defaults.
 * @throws {@link RedisSynchronizationOptionError} naming the first invalid option.
 */
export function resolveRedisSynchronizationOptions(options: RedisSynchronizationOptions): ResolvedRedisSynchronizationOptions {
  if (typeof options !== 'object' || options === null) {
    throw new RedisSynchronizationOptionError('options', 'expected an object such as `{ connection: "redis://127.0.0.1:6379" }`.');
  }
  return {
    connection: validateConnection(options.connection, (problem) => new RedisSynchronizationOptionError('connection', problem)),
    channel: validateChannel(options.channel, (problem) => new RedisSynchronizationOptionError('channel', problem)),
    connectTimeoutMs: positiveMilliseconds(options.connectTimeoutMs, 10_000, (problem) => new RedisSynchronizationOptionError('connectTimeoutMs', problem)),
  };
}

/**
 * Checks a `channel` option once, at construction; {@link DEFAULT_CHANNEL} when it is left out.
 * @param fail builds the error to throw, given what is wrong (the caller's option error, naming `channel`).
 */
export function validateChannel(channel: unknown, fail: (problem: string) => Error): string {
  if (channel === undefined) return DEFAULT_CHANNEL;
  if (typeof channel !== 'string' || channel === '') throw fail(`expected a non-empty string, but got ${describeOptionValue(channel)}.`);
  return channel;
}
