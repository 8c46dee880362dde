import type { TransportConnection, TransportListener } from '@cachet/core';
import type { NatsConnection, Status, Subscription } from '@nats-io/nats-core';
import { NatsConnectionLostError } from './errors';

/** The payload limit NATS servers start with, used if the server did not say its own (1 MiB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Statuses after which messages may have been missed; `reconnect` is the only one that ends the gap. */
const LINK_LOST: ReadonlySet<Status['type']> = new Set(['disconnect', 'reconnecting', 'staleConnection', 'forceReconnect', 'close']);

/**
 * One open connection of {@link NatsSynchronization}: publishes on the subject, probes on a subject only its
 * own subscription listens to, hands every message received to the listener, and tells it when the link
 * to NATS is lost (a server dropping a slow consumer closes the link too) and when the client is back.
 */
export class NatsTransportConnection implements TransportConnection {
  readonly maxPayloadBytes: number;
  /** NATS delivers one publisher connection's messages to each subscriber in the order they were published. */
  readonly ordered = true;

  readonly #nats: NatsConnection;
  readonly #owned: boolean;
  readonly #subjects: readonly [shared: string, probe: string];
  readonly #subscriptions: readonly Subscription[];
  readonly #listener: TransportListener;
  #up = true;
  #closed = false;

  /**
   * Subscribes to both `subjects` on `nats`, which is connected; closes `nats` on close only if `owned`.
   * The caller flushes before handing the connection over, so that the server has the subscriptions.
   */
  constructor(nats: NatsConnection, owned: boolean, subjects: readonly [shared: string, probe: string], listener: TransportListener) {
    this.#nats = nats;
    this.#owned = owned;
    this.#subjects = subjects;
    this.#listener = listener;
    this.maxPayloadBytes = nats.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.#subscriptions = subjects.map((subject) =>
      nats.subscribe(subject, {
        callback: (error, message) => {
          if (this.#closed) return;
          if (error) this.#reportDown(`subscription error: ${error.message}`, error);
          else listener.message(message.string());
        },
      }),
    );
    void this.#watch();
  }

  /**
   * Resolves once the server has received the message (the flush round trip), as Redis answers a PUBLISH.
   * Rejects at once while the link is down, rather than leave the message in the client's reconnect buffer
   * to be sent again after the engine's retry.
   */
  publish(payload: string): Promise<void> {
    return this.#send(this.#subjects[0], payload);
  }

  probe(payload: string): Promise<void> {
    return this.#send(this.#subjects[1], payload);
  }

  /** Removes the subscriptions, and closes the connection if cachet opened it; prompt on a dead link. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) return this.#nats.close();
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
  }

  async #send(subject: string, payload: string): Promise<void> {
    if (!this.#up) throw new NatsConnectionLostError(this.#subjects[0], 'not reconnected yet');
    this.#nats.publish(subject, payload);
    await this.#nats.flush();
  }

  /**
   * Follows the client's status. The iterator of a connection the application owns outlives `close()`
   * until its next status, when the loop ends it: the public API has no other way to stop it.
   */
  async #watch(): Promise<void> {
    for await (const status of this.#nats.status()) {
      if (this.#closed) return;
      if (status.type === 'reconnect') this.#reportUp();
      else if (LINK_LOST.has(status.type)) this.#reportDown(status.type);
    }
  }

  #reportDown(what: string, cause?: Error): void {
    if (!this.#up) return;
    this.#up = false;
    this.#listener.down(new NatsConnectionLostError(this.#subjects[0], what, cause));
  }

  /** The client reconnected and re-sent its subscriptions; the engine confirms with a message of its own. */
  #reportUp(): void {
    if (this.#up) return;
    this.#up = true;
    this.#listener.up();
  }
}
