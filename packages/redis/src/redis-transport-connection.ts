import type { TransportConnection, TransportListener } from '@cachet/core';
import type { Redis } from 'ioredis';
import { SynchronizationError } from '@cachet/core';
import { messageOf, RedisPublishStalledError, RedisSubscriptionLostError } from './errors';
import { PublishWatchdog } from './publish-watchdog';
import type { EchoConfirmedPublisher } from './echo-confirmed-publisher';
import { closeClient, type RedisClients } from './redis-clients';

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
  readonly #watchdog: PublishWatchdog | undefined;
  /** Set when publishes are confirmed by their echo instead of Redis' answer. */
  readonly #echoes: EchoConfirmedPublisher | undefined;
  #up: boolean;
  /** Whether the subscriber holds the subscription (it may be ready and not yet re-subscribed). */
  #subscribed: boolean;
  #lastError: Error | undefined;
  /** Set while the publisher is replaced after a stall: why the publishes in flight fail. */
  #stall: RedisPublishStalledError | undefined;
  #closing: Promise<void> | undefined;

  /**
   * Takes over clients whose subscriber has just been subscribed to `channel`; with `echoes`, publishes go
   * through it and are confirmed as their echoes arrive.
   */
  constructor(clients: RedisClients, channel: string, listener: TransportListener, echoes?: EchoConfirmedPublisher) {
    this.#clients = clients;
    this.#channel = channel;
    this.#listener = listener;
    this.#echoes = echoes;
    this.#up = true;
    this.#subscribed = true;
    const { subscriber, publisher, publishTimeoutMs } = clients;
    this.#watchdog = publishTimeoutMs === undefined ? undefined : new PublishWatchdog(publishTimeoutMs, this.#onPublishStalled);
    // Strings, not buffers: the path ioredis takes for most of its users, so the one kept fast.
    subscriber.on(
      'message',
      echoes === undefined
        ? (_channel: string, payload: string) => listener.message(payload)
        : (_channel: string, payload: string) => {
            listener.message(payload);
            echoes.confirm(payload);
          },
    );
    subscriber.on('error', (error: Error) => {
      this.#lastError = error;
    });
    for (const event of ['close', 'reconnecting', 'end']) subscriber.on(event, this.#onLinkLost);
    subscriber.on('ready', this.#onReady);
    // What was written on a connection that broke may or may not have run: its echo may never come.
    if (echoes !== undefined) publisher.on('close', () => echoes.failAll('the publisher connection closed before Redis echoed the PUBLISH'));
    if (subscriber.status !== 'ready') this.#onLinkLost();
  }

  publish(payload: string): Promise<void> {
    const { publisher } = this.#clients;
    if (this.#closing) return Promise.reject(this.#publishError('the connection is closed'));
    if (publisher.status !== 'ready') return Promise.reject(this.#publishError(`the Redis publisher is not connected (status: ${publisher.status})`));
    const echoes = this.#echoes;
    if (echoes !== undefined && !this.#subscribed) return Promise.reject(this.#publishError('the subscription that confirms publishes is down'));
    // No async frame on this path: the command is written before `publish` returns.
    const answer = (echoes === undefined ? publisher.publish(this.#channel, payload) : echoes.publish(payload)).then(this.#onPublished, this.#onPublishFailed);
    this.#watchdog?.sent();
    return answer;
  }

  close(): Promise<void> {
    this.#watchdog?.stop();
    this.#echoes?.failAll('the connection was closed before Redis echoed the PUBLISH');
    this.#clients.publisher.off('ready', this.#reportUp);
    this.#closing ??= Promise.all(this.#clients.owned.map(closeClient)).then(() => undefined);
    return this.#closing;
  }

  readonly #onLinkLost = (): void => {
    this.#subscribed = false;
    this.#echoes?.failAll('the subscription was lost before Redis echoed the PUBLISH');
    if (this.#markDown()) this.#listener.down(new RedisSubscriptionLostError(this.#channel, this.#lastError));
  };

  /** Marks the link down; `true` when it was up until now (the caller then tells the listener why). */
  #markDown(): boolean {
    if (this.#closing || !this.#up) return false;
    this.#up = false;
    return true;
  }

  /** The subscriber reconnected: subscribe again (ioredis is told not to), then report `up`. */
  readonly #onReady = (): void => {
    // A rejection means the link broke again before Redis acknowledged: 'close' reports it, the next 'ready' retries.
    this.#clients.subscriber.subscribe(this.#channel).then(this.#onSubscribed, () => undefined);
  };

  readonly #onSubscribed = (): void => {
    this.#subscribed = true;
    this.#reportUp();
  };

  /** Reports `up` once the subscription is active again and the publisher can publish. */
  readonly #reportUp = (): void => {
    const { subscriber, publisher } = this.#clients;
    if (this.#closing || this.#up || !this.#subscribed || subscriber.status !== 'ready') return;
    if (publisher.status !== 'ready') {
      publisher.once('ready', this.#reportUp);
      return;
    }
    this.#up = true;
    this.#lastError = undefined;
    this.#listener.up();
  };

  readonly #onPublished = (): void => {
    this.#watchdog?.answered();
  };

  readonly #onPublishFailed = (error: unknown): never => {
    this.#watchdog?.answered();
    const stall = this.#stall;
    throw stall ? this.#publishError(`no answer within ${stall.timeoutMs} ms (publishTimeoutMs)`, stall) : this.#publishError(messageOf(error), error);
  };

  /**
   * Redis left a publish unanswered (or unechoed) for a timeout: it has stalled, so invalidations may be
   * missed (down), and the publisher's connection is dropped, which fails what is in flight; ioredis
   * reconnects it, and the link is up again once it is ready. A missing echo may be the subscriber's
   * fault as much as the publisher's, so when publishes are confirmed by echo, both connections are replaced.
   */
  readonly #onPublishStalled = (): void => {
    const { publisher, subscriber } = this.#clients;
    if (this.#closing || this.#stall) return;
    this.#stall = new RedisPublishStalledError(this.#channel, this.#clients.publishTimeoutMs ?? 0);
    const stall = this.#stall;
    publisher.once('ready', () => {
      if (this.#stall === stall) this.#stall = undefined;
      this.#reportUp();
    });
    if (this.#markDown()) this.#listener.down(stall);
    (publisher as Partial<Redis>).stream?.destroy();
    if (this.#echoes !== undefined) (subscriber as Partial<Redis>).stream?.destroy();
  };

  #publishError(problem: string, cause?: unknown): SynchronizationError {
    return new SynchronizationError('E_SYNC_PUBLISH', 'redis', `PUBLISH on channel "${this.#channel}" failed: ${problem}.`, { cause });
  }
}
