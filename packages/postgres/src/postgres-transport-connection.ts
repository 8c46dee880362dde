import type { Notification } from 'pg';
import type { TransportConnection, TransportListener } from '@cachet/core';
import { PostgresListenerLostError } from './errors';
import { endPostgresClients, type PostgresClients } from './postgres-clients';

/** NOTIFY payloads must be shorter than 8,000 bytes (PostgreSQL's limit); the engine splits its batches to stay under it. */
export const MAX_PAYLOAD_BYTES = 7_999;

const NOTIFY = 'SELECT pg_notify($1, $2)';

/**
 * One open connection of {@link PostgresSynchronization}: publishes with `pg_notify` through the pool,
 * probes on a channel only its own listener LISTENs on, hands every notification received to the listener,
 * and reports the listening connection down when it errs or ends. It does not reconnect: the engine closes
 * it and connects again.
 */
export class PostgresTransportConnection implements TransportConnection {
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  /**
   * PostgreSQL delivers notifications in commit order, but concurrent publishes run on different pooled
   * sessions, which may commit in another order than they were sent.
   */
  readonly ordered = false;

  readonly #clients: PostgresClients;
  readonly #channels: readonly [shared: string, probe: string];
  readonly #listener: TransportListener;
  #closed = false;

  /** Takes over clients whose listener LISTENs on both `channels`. */
  constructor(clients: PostgresClients, channels: readonly [shared: string, probe: string], listener: TransportListener) {
    this.#clients = clients;
    this.#channels = channels;
    this.#listener = listener;
    clients.listener.on('notification', ({ payload }: Notification) => {
      if (!this.#closed) listener.message(unescapeNul(payload ?? ''));
    });
    clients.listener.on('error', this.#onLost);
    clients.listener.on('end', () => this.#onLost(undefined));
  }

  publish(payload: string): Promise<void> {
    return this.#notify(this.#channels[0], payload);
  }

  probe(payload: string): Promise<void> {
    return this.#notify(this.#channels[1], payload);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    endPostgresClients(this.#clients);
  }

  async #notify(channel: string, payload: string): Promise<void> {
    await this.#clients.pool.query(NOTIFY, [channel, escapeNul(payload)]);
  }

  readonly #onLost = (error: Error | undefined): void => {
    if (this.#closed) return;
    this.#listener.down(new PostgresListenerLostError(this.#channels[0], error));
  };
}

/**
 * PostgreSQL text cannot hold NUL; U+0010 escapes it (and itself). cachet's own messages are JSON, which
 * never holds either raw, so they go through unchanged and within {@link MAX_PAYLOAD_BYTES}.
 */
const ESCAPE = '\u0010';

export function escapeNul(payload: string): string {
  return /[\0\u0010]/.test(payload) ? payload.replace(/[\0\u0010]/g, (char) => (char === '\0' ? `${ESCAPE}0` : `${ESCAPE}${ESCAPE}`)) : payload;
}

export function unescapeNul(payload: string): string {
  return payload.includes(ESCAPE) ? payload.replace(/\u0010([\s\S])/g, (_, char: string) => (char === '0' ? '\0' : char)) : payload;
}
