import type { NatsConnection } from '@nats-io/nats-core';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { NatsSynchronizationOptionError } from './errors';

/** Options common to both ways of reaching NATS. */
interface NatsSubjectOption {
  /**
   * The subject invalidations travel on: plain tokens separated by dots, no wildcards. Services that must
   * stay coherent use the same subject; the caching service's `namespace` already keeps applications apart
   * on one subject. Each connection also listens on `<subject>.probe.<random id>` for its liveness probes.
   * @default 'cachet.invalidation'
   */
  subject?: string;
}

/**
 * Options of {@link NatsSynchronization} when cachet opens (and later closes) its own connections: `servers`
 * and any other option of the NATS client's `connect()`, such as `user`, `pass`, `token`, `tls`. Unless you
 * set `maxReconnectAttempts`, cachet's connections reconnect forever (`-1`), since the engine recovers
 * from any outage.
 */
export interface NatsServersOptions extends NodeConnectionOptions, NatsSubjectOption {
  /** The server or servers to connect to, such as `'nats://127.0.0.1:4222'`. */
  servers: string | string[];
  connection?: never;
}

/**
 * Options of {@link NatsSynchronization} over the application's own connection: cachet only creates its
 * subscriptions on it, and on close removes them, never closing the connection itself.
 */
export interface NatsConnectionOptions extends NatsSubjectOption {
  /** A connection the application opened with `connect()` from `@nats-io/transport-node`. */
  connection: NatsConnection;
  servers?: never;
}

/** Options of {@link NatsSynchronization}: `servers` and NATS options, or an existing `connection`. */
export type NatsSynchronizationOptions = NatsServersOptions | NatsConnectionOptions;

/** {@link NatsSynchronizationOptions} validated, with every default filled in. */
export interface ResolvedNatsSynchronizationOptions {
  readonly subject: string;
  /** The application's connection, or the options cachet connects with. */
  readonly connection: NatsConnection | NodeConnectionOptions;
}

/** The subject used when none is given. */
export const DEFAULT_SUBJECT = 'cachet.invalidation';

/** Tells an existing NATS connection apart from connection options. */
export function isNatsConnection(connection: NatsConnection | NodeConnectionOptions): connection is NatsConnection {
  return typeof (connection as Partial<NatsConnection>).subscribe === 'function';
}

/**
 * Validates the options once, at construction, and fills in the defaults.
 * @throws {@link NatsSynchronizationOptionError} naming the first invalid option.
 */
export function resolveNatsSynchronizationOptions(options: NatsSynchronizationOptions): ResolvedNatsSynchronizationOptions {
  if (typeof options !== 'object' || options === null) {
    throw new NatsSynchronizationOptionError('options', 'expected an object such as `{ servers: "nats://127.0.0.1:4222" }`.');
  }
  const subject = validateSubject(options.subject);
  if (options.connection !== undefined) {
    if (options.servers !== undefined) {
      throw new NatsSynchronizationOptionError('servers', 'cannot be given with `connection`: pass either servers and NATS options, or a connection.');
    }
    if (typeof options.connection !== 'object' || options.connection === null || !isNatsConnection(options.connection)) {
      throw new NatsSynchronizationOptionError('connection', 'expected a connection returned by `connect()` from @nats-io/transport-node.');
    }
    return { subject, connection: options.connection };
  }
  const { subject: _subject, connection: _connection, ...natsOptions } = options;
  const servers: unknown = natsOptions.servers;
  const list = Array.isArray(servers) ? servers : [servers];
  if (list.length === 0 || list.some((server) => typeof server !== 'string' || server.trim() === '')) {
    throw new NatsSynchronizationOptionError('servers', 'is required: pass a server URL such as "nats://127.0.0.1:4222", a list of them, or `connection`.');
  }
  return { subject, connection: { maxReconnectAttempts: -1, ...natsOptions } };
}

function validateSubject(subject: unknown): string {
  if (subject === undefined) return DEFAULT_SUBJECT;
  if (typeof subject !== 'string' || subject === '') {
    throw new NatsSynchronizationOptionError('subject', `expected a non-empty string such as "${DEFAULT_SUBJECT}", but got ${JSON.stringify(subject) ?? typeof subject}.`);
  }
  if (/[\s*>]/.test(subject) || subject.split('.').includes('')) {
    throw new NatsSynchronizationOptionError(
      'subject',
      `"${subject}" is not a plain NATS subject: use dot-separated, non-empty tokens without whitespace or the wildcards * and >, such as "${DEFAULT_SUBJECT}".`,
    );
  }
  return subject;
}
