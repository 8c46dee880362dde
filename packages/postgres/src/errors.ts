import { CacheConfigurationError, CachetError } from '@cachet/core';

/**
 * An option given to `new PostgresSynchronization(...)` is invalid. Its `code` is `E_CONFIGURATION`, like
 * every configuration error of cachet, and {@link CacheConfigurationError.option} names the option, such as
 * `PostgresSynchronization.channel`.
 */
export class PostgresSynchronizationOptionError extends CacheConfigurationError {
  constructor(option: string, problem: string) {
    super(`PostgresSynchronization.${option}`, problem);
  }
}

/**
 * The connection that LISTENs for invalidations was lost: notifications sent until cachet listens again are
 * never received. node-postgres does not reconnect it; the synchronization engine closes the connection and
 * opens a new one. This error is the `reason` handed to the engine.
 */
export class PostgresListenerLostError extends CachetError {
  declare readonly code: 'E_POSTGRES_LISTENER_LOST';
  /** The channel that was listened on. */
  readonly channel: string;

  constructor(channel: string, cause: Error | undefined) {
    super(
      'E_POSTGRES_LISTENER_LOST',
      `[postgres] The connection listening on channel "${channel}" was lost` +
        (cause ? ` (${cause.message})` : '') +
        '; cachet reconnects and listens again. Check that PostgreSQL is running and reachable if this persists.',
      { cause },
    );
    this.channel = channel;
  }
}

declare module '@cachet/core' {
  interface CachetErrorCodes {
    E_POSTGRES_LISTENER_LOST: PostgresListenerLostError;
  }
}
