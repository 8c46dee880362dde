import type { RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient } from './redis-connection';
import type { ResolvedRedisSynchronizationOptions } from './redis-synchronization-options';

/** The two connections of one transport connection, both cachet's own: it closes them. */
export interface RedisClients {
  /** Runs PUBLISH. */
  readonly publisher: RedisClient;
  /** Holds the subscription (pub/sub takes over a connection). */
  readonly subscriber: RedisClient;
}

/** Clients cachet creates fail fast rather than queue commands while disconnected: the engine owns retries. */
export const FAIL_FAST: Partial<RedisOptions> = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false };
/** The subscriber does not re-subscribe on its own: the transport does, and reports `up` once Redis acknowledged it. */
const SUBSCRIBER_OPTIONS: Partial<RedisOptions> = { ...FAIL_FAST, autoResubscribe: false };

/**
 * Creates the two connections, not yet connected: from a URL or options, or as duplicates of an
 * application's client (its address, TLS, Sentinel and auth settings kept), so that cachet never depends on
 * a connection it cannot close and replace.
 */
export function createRedisClients({ connection }: ResolvedRedisSynchronizationOptions): RedisClients {
  // Connection errors are reported through `down` and rejections, never unhandled.
  return { publisher: createRedisClient(connection, FAIL_FAST), subscriber: createRedisClient(connection, SUBSCRIBER_OPTIONS) };
}

/**
 * Resolves once `client` is ready, connecting it if it was created lazily. Rejects with the connection
 * error as soon as an attempt fails, or after `timeoutMs`.
 */
export function whenReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status === 'end') return Promise.reject(new Error('the client was closed (status: end)'));
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error): void => {
      lastError = error;
    };
    const onReady = (): void => settle();
    const onClosed = (): void => settle(lastError ?? new Error(`the connection closed (status: ${client.status})`));
    const timer = setTimeout(() => settle(lastError ?? new Error(`not ready after ${timeoutMs} ms (status: ${client.status})`)), timeoutMs);
    function settle(error?: Error): void {
      clearTimeout(timer);
      client.off('error', onError).off('ready', onReady).off('close', onClosed).off('end', onClosed);
      if (error) reject(error);
      else resolve();
    }
    client.on('error', onError).once('ready', onReady).once('close', onClosed).once('end', onClosed);
    if (client.status === 'wait') client.connect().catch(onError);
  });
}
