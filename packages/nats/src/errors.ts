import { CacheConfigurationError, CachetError } from '@cachet/core';

/**
 * An option given to `new NatsSynchronization(...)` is invalid. Its `code` is `E_CONFIGURATION`, like every
 * configuration error of cachet, and {@link CacheConfigurationError.option} names the option, such as
 * `NatsSynchronization.subject`.
 */
export class NatsSynchronizationOptionError extends CacheConfigurationError {
  constructor(option: string, problem: string) {
    super(`NatsSynchronization.${option}`, problem);
  }
}

/**
 * The connection of a `NatsSynchronization` to NATS was lost (or the server dropped it, as it drops a slow
 * consumer): invalidations published until it is back are never received. The NATS client reconnects and
 * re-subscribes on its own; this error is the `reason` handed to the synchronization engine, which decides
 * what to do about the messages missed.
 */
export class NatsConnectionLostError extends CachetError {
  declare readonly code: 'E_NATS_CONNECTION_LOST';
  /** The subject whose subscription was interrupted. */
  readonly subject: string;

  constructor(subject: string, what: string, cause?: Error) {
    super(
      'E_NATS_CONNECTION_LOST',
      `[nats] The subscription to subject "${subject}" was interrupted (${what}); the NATS client reconnects and ` +
        're-subscribes automatically. Check that the NATS server is running and reachable if this persists.',
      { cause },
    );
    this.subject = subject;
  }
}

declare module '@cachet/core' {
  interface CachetErrorCodes {
    E_NATS_CONNECTION_LOST: NatsConnectionLostError;
  }
}
