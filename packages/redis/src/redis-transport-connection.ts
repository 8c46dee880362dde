import type { TransportConnection, TransportListener } from '@cachet/core';
import { SynchronizationError } from '@cachet/core';
import { messageOf, RedisSubscriptionLostError } from './errors';
import { closeClient, ignore, type RedisClients } from './redis-clients';

/** The largest payload one PUBLISH carries; the engine splits its batches to stay under it (512 KiB). */
export const MAX_PAYLOAD_BYTES = 512 * 1024;

/**
 * One open connection of {@link RedisSynchronization}: publishes on the channel, hands every message of the
 * channel to the listener, and tells it when the subscription is lost and when it is active again.
 */
export class RedisTransportConnection implements TransportConnection {
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  /** Redis delivers one publisher's messages to each subscriber in the order they were published. */
  readonly ordered = true;

  readonly #clients: RedisClients;
  readonly #channel: string;
  readonly #listener: TransportListener;
  #up: boolean;
  #lastError: Error | undefined;
  #closing: Promise<void> | undefined;

  /** Takes over clients whose subscriber has just been subscribed to `channel`. */
  constructor(clients: RedisClients, channel: string, listener: TransportListener) {
    this.#clients = clients;
    this.#channel = channel;
    this.#listener = listener;
    this.#up = true;
    const { subscriber } = clients;
    // Strings, not buffers: the path ioredis takes for most of its users, so the one kept fast.
    subscriber.on('message', (_channel: string, payload: string) => listener.message(payload));
    subscriber.on('error', (error: Error) => {
      this.#lastError = error;
    });
    for (const event of ['close', 'reconnecting', 'end']) subscriber.on(event, this.#onLinkLost);
    subscriber.on('ready', this.#onReady);
    if (subscriber.status !== 'ready') this.#onLinkLost();
  }

  publish(payload: string): Promise<void> {
    const { publisher } = this.#clients;
    if (this.#closing) return Promise.reject(this.#publishError('the connection is closed'));
    if (publisher.status !== 'ready') return Promise.reject(this.#publishError(`the Redis publisher is not connected (status: ${publisher.status})`));
    // No async frame on this path: the command is written before `publish` returns.
    return publisher.publish(this.#channel, payload).then(ignore, this.#onPublishFailed);
  }

  close(): Promise<void> {
    this.#clients.publisher.off('ready', this.#reportUp);
    this.#closing ??= Promise.all(this.#clients.owned.map(closeClient)).then(() => undefined);
    return this.#closing;
  }

  readonly #onLinkLost = (): void => {
    if (this.#closing || !this.#up) return;
    this.#up = false;
    this.#listener.down(new RedisSubscriptionLostError(this.#channel, this.#lastError));
  };

  /** The subscriber reconnected: subscribe again (ioredis is told not to), then report `up`. */
  readonly #onReady = (): void => {
    // A rejection means the link broke again before Redis acknowledged: 'close' reports it, the next 'ready' retries.
    this.#clients.subscriber.subscribe(this.#channel).then(this.#reportUp, () => undefined);
  };

  /** Reports `up` once the subscription is active again and the publisher can publish. */
  readonly #reportUp = (): void => {
    const { subscriber, publisher } = this.#clients;
    if (this.#closing || this.#up || subscriber.status !== 'ready') return;
    if (publisher.status !== 'ready') {
      publisher.once('ready', this.#reportUp);
      return;
    }
    this.#up = true;
    this.#lastError = undefined;
    this.#listener.up();
  };

  readonly #onPublishFailed = (error: unknown): never => {
    throw this.#publishError(messageOf(error), error);
  };

  #publishError(problem: string, cause?: unknown): SynchronizationError {
    return new SynchronizationError('E_SYNC_PUBLISH', 'redis', `PUBLISH on channel "${this.#channel}" failed: ${problem}.`, { cause });
  }
}
