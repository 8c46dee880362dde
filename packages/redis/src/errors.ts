import { CacheConfigurationError, CachetError } from '@cachet/core';

/**
 * An option given to `new RedisSynchronization(...)` is invalid. Its `code` is `E_CONFIGURATION`, like every
 * configuration error of cachet, and {@link CacheConfigurationError.option} names the option, such as
 * `RedisSynchronization.channel`.
 */
export class RedisSynchronizationOptionError extends CacheConfigurationError {
  constructor(option: string, problem: string) {
    super(`RedisSynchronization.${option}`, problem);
  }
}

/**
 * The subscriber connection of a `RedisSynchronization` was lost: invalidations published until it is back
 * are never received. ioredis reconnects and cachet re-subscribes on its own; this error is the `reason`
 * handed to the synchronization engine, which decides what to do about the messages missed.
 */
export class RedisSubscriptionLostError extends CachetError {
  declare readonly code: 'E_REDIS_SUBSCRIPTION_LOST';
  /** The pub/sub channel whose subscription was lost. */
  readonly channel: string;

  constructor(channel: string, cause: Error | undefined) {
    super(
      'E_REDIS_SUBSCRIPTION_LOST',
      `[redis] The subscription to channel "${channel}" was lost` +
        (cause ? ` (${cause.message})` : '') +
        '; reconnecting and re-subscribing automatically. Check that Redis is running and reachable if this persists.',
      { cause },
    );
    this.channel = channel;
  }
}

/**
 * The connection of a `RedisL2` was lost: the `reason` handed to the caching service, which runs on memory
 * and the method until the store is back, and clears its memory then (it may have missed invalidations).
 * ioredis reconnects on its own.
 */
export class RedisL2LinkLostError extends CachetError {
  declare readonly code: 'E_REDIS_L2_LINK_LOST';
  constructor(where: string, cause: Error | undefined) {
    super(
      'E_REDIS_L2_LINK_LOST',
      `[redis] The second level lost its connection to Redis at ${where}` +
        (cause ? ` (${cause.message})` : '') +
        '; serving from memory and the method, reconnecting automatically. Check that Redis is running and reachable if this persists.',
      { cause },
    );
  }
}

/** The message of whatever was thrown (errors from another realm, such as a test sandbox, included). */
export function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as Error).message === 'string' ? (error as Error).message : String(error);
}

/**
 * An option given to `new RedisL2(...)` is invalid. Its `code` is `E_CONFIGURATION`, and
 * {@link CacheConfigurationError.option} names the option, such as `RedisL2.keyPrefix`.
 */
export class RedisL2OptionError extends CacheConfigurationError {
  constructor(option: string, problem: string) {
    super(`RedisL2.${option}`, problem);
  }
}

declare module '@cachet/core' {
  interface CachetErrorCodes {
    E_REDIS_SUBSCRIPTION_LOST: RedisSubscriptionLostError;
    E_REDIS_L2_LINK_LOST: RedisL2LinkLostError;
  }
}
