import type { TransportConnection, TransportListener } from '@cachet/core';
import { RedisSubscriptionLostError } from './errors';
import type { RedisClients } from './redis-clients';
import { ignore } from './redis-connection';

/** The largest payload one PUBLISH carries; the engine splits its batches to stay under it (512 KiB). */
export const MAX_PAYLOAD_BYTES = 512 * 1024;

/**
 * One open connection of {@link RedisSynchronization}: publishes on the channel through ioredis'
 * `publish()`, probes on a channel only its own subscriber listens to, hands every message received to the
 * listener, and tells it when a connection is lost and when both are back and subscribed.
 */
export class RedisTransportConnection implements TransportConnection {
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  /** Redis delivers one publisher's messages to each subscriber in the order they were published. */
  readonly ordered = true;

  readonly #clients: RedisClients;
  readonly #channels: readonly [shared: string, probe: string];
  readonly #listener: TransportListener;
  #up = true;
  #lastError: Error | undefined;
  #closed = false;

  /** Takes over clients whose subscriber has just subscribed to both `channels`. */
  constructor(clients: RedisClients, channels: readonly [shared: string, probe: string], listener: TransportListener) {
    this.#clients = clients;
    this.#channels = channels;
    this.#listener = listener;
    const { subscriber, publisher } = clients;
    // Strings, not buffers: the path ioredis takes for most of its users, so the one kept fast.
    subscriber.on('message', (_channel: string, payload: string) => {
      if (!this.#closed) listener.message(payload);
    });
    for (const client of [subscriber, publisher]) {
      client.on('error', (error: Error) => (this.#lastError = error));
      for (const event of ['close', 'reconnecting', 'end']) client.on(event, this.#onLinkLost);
    }
    subscriber.on('ready', this.#resubscribe);
    publisher.on('ready', this.#reportUp);
  }

  publish(payload: string): Promise<void> {
    // Resolves with the number of receivers, which the contract ignores.
    return this.#clients.publisher.publish(this.#channels[0], payload) as Promise<unknown> as Promise<void>;
  }

  probe(payload: string): Promise<void> {
    return this.#clients.publisher.publish(this.#channels[1], payload) as Promise<unknown> as Promise<void>;
  }

  /** Drops both connections at once: there is nothing to flush, and a stalled link would make QUIT wait. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clients.publisher.disconnect();
    this.#clients.subscriber.disconnect();
  }

  readonly #onLinkLost = (): void => {
    if (this.#closed || !this.#up) return;
    this.#up = false;
    this.#listener.down(new RedisSubscriptionLostError(this.#channels[0], this.#lastError));
  };

  /** The subscriber reconnected: subscribe again (ioredis is told not to), then report `up`. */
  readonly #resubscribe = (): void => {
    // A rejection means the link broke again before Redis acknowledged: 'close' reports it, the next 'ready' retries.
    this.#clients.subscriber.subscribe(...this.#channels).then(this.#reportUp, ignore);
  };

  /** Reports `up` once both connections are ready (the subscriber subscribed); the engine confirms it. */
  readonly #reportUp = (): void => {
    const { subscriber, publisher } = this.#clients;
    if (this.#closed || this.#up || subscriber.status !== 'ready' || publisher.status !== 'ready') return;
    this.#up = true;
    this.#lastError = undefined;
    this.#listener.up();
  };
}

