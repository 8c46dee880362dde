import { describeOptionValue, positiveMilliseconds } from '@cachet/core';
import { RedisL2OptionError } from './errors';
import { type RedisConnection, validateConnection } from './redis-connection';
import { validateChannel } from './redis-synchronization-options';

/** Options of {@link RedisL2}. */
export interface RedisL2Options {
  /**
   * The Redis server, cluster or client that holds the second level (and carries the bus, unless the
   * service is given a `synchronization` of its own). A URL or options: cachet opens and closes its own
   * connections. Your client: cachet `duplicate()`s it and never closes it. See {@link RedisConnection}.
   */
  connection: RedisConnection;
  /**
   * The start of every key cachet writes: `{<keyPrefix>:<namespace>}:…`. Applications sharing one Redis
   * use different prefixes or namespaces. The braces are a Redis Cluster hash tag: one namespace lives in
   * one slot, so that every script touches one slot.
   * @default 'cachet'
   */
  keyPrefix?: string;
  /**
   * The pub/sub channel of the synchronization RedisL2 supplies (used when the service is given no
   * `synchronization`). See `RedisSynchronizationOptions.channel`.
   * @default 'cachet:invalidation'
   */
  channel?: string;
  /**
   * How long `initialize()` waits for Redis before it reports the second level down and carries on
   * without it (and the supplied synchronization before it rejects).
   * @default 10_000
   */
  connectTimeoutMs?: number;
  /**
   * How long one operation waits for Redis' answer before it fails (the service then counts an error and
   * carries on with memory and the method): a frozen or overloaded server never makes a caller hang.
   * @default 2_000
   */
  commandTimeoutMs?: number;
  /**
   * How many invalidation records (name -> version of its last invalidation) a namespace keeps for the
   * fence. Past it the oldest are forgotten, and a load whose stamp is older than the newest forgotten one
   * is not stored in Redis (it is still returned, and kept in memory). Costs about 100 bytes per record.
   * @default 100_000
   */
  maxInvalidationRecords?: number;
}

/** {@link RedisL2Options} validated, with every default filled in. */
export interface ResolvedRedisL2Options {
  readonly connection: RedisConnection;
  readonly keyPrefix: string;
  readonly channel: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly maxInvalidationRecords: number;
}

/**
 * Validates the options once, at construction, and fills in the defaults.
 * @throws {@link RedisL2OptionError} naming the first invalid option.
 */
export function resolveRedisL2Options(options: RedisL2Options): ResolvedRedisL2Options {
  if (typeof options !== 'object' || options === null) {
    throw new RedisL2OptionError('options', 'expected an object such as `{ connection: "redis://127.0.0.1:6379" }`.');
  }
  const fail = (option: string) => (problem: string) => new RedisL2OptionError(option, problem);
  return {
    connection: validateConnection(options.connection, fail('connection')),
    keyPrefix: keyPrefix(options.keyPrefix),
    channel: validateChannel(options.channel, fail('channel')),
    connectTimeoutMs: positiveMilliseconds(options.connectTimeoutMs, 10_000, fail('connectTimeoutMs')),
    commandTimeoutMs: positiveMilliseconds(options.commandTimeoutMs, 2_000, fail('commandTimeoutMs')),
    maxInvalidationRecords: positiveInteger('maxInvalidationRecords', options.maxInvalidationRecords, 100_000),
  };
}

/** A non-empty string without braces: a key prefix cannot hold a hash tag's braces. */
function keyPrefix(value: unknown): string {
  if (value === undefined) return 'cachet';
  if (typeof value !== 'string' || value === '' || /[{}]/.test(value)) {
    throw new RedisL2OptionError('keyPrefix', `expected a non-empty string without braces, but got ${describeOptionValue(value)}.`);
  }
  return value;
}

function positiveInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RedisL2OptionError(option, `expected a positive integer, but got ${describeOptionValue(value)}.`);
  }
  return value;
}
