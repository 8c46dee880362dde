import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { isRedisClient, type RedisClient, type ResolvedRedisSynchronizationOptions } from './redis-synchronization-options';

/** The two clients one transport connection uses, and which of them it must close. */
export interface RedisClients {
  /** Runs PUBLISH: the user's client when one was given, otherwise one cachet created. */
  readonly publisher: RedisClient;
  /** Holds the subscription; always created by cachet (pub/sub takes over a connection). */
  readonly subscriber: RedisClient;
  /** The clients cachet created, which it closes. */
  readonly owned: readonly RedisClient[];
  /** How long a publish may wait for Redis on a publisher cachet created; `undefined` for the user's client. */
  readonly publishTimeoutMs: number | undefined;
}

/**
 * Creates the clients of one connection, not yet connected (see {@link FAIL_FAST} and
 * {@link SUBSCRIBER_OPTIONS}).
 */
export function createRedisClients(options: ResolvedRedisSynchronizationOptions): RedisClients {
  const { connection } = options;
  if (isRedisClient(connection)) {
    const subscriber = connection.isCluster
      ? (connection as Cluster).duplicate(undefined, { lazyConnect: true })
      : (connection as Redis).duplicate(SUBSCRIBER_OPTIONS);
    return withErrorHandlers({ publisher: connection, subscriber, owned: [subscriber], publishTimeoutMs: undefined });
  }
  const publisher = createClient(connection, FAIL_FAST);
  const subscriber = createClient(connection, SUBSCRIBER_OPTIONS);
  return withErrorHandlers({ publisher, subscriber, owned: [publisher, subscriber], publishTimeoutMs: options.publishTimeoutMs });
}

/** The publisher when cachet created it (a standalone client, which cachet may write to directly); `undefined` for the user's client. */
export function ownedPublisher(clients: RedisClients): Redis | undefined {
  // cachet creates its clients with `new Redis`, never as a cluster.
  return clients.owned.includes(clients.publisher) ? (clients.publisher as Redis) : undefined;
}

/**
 * The same clients with a new publisher, not yet connected, in place of the one cachet created, which is
 * dropped (its answers may be out of step with its commands).
 */
export function withNewPublisher(clients: RedisClients, options: ResolvedRedisSynchronizationOptions): RedisClients {
  clients.publisher.disconnect();
  const publisher = createClient(options.connection as string | RedisOptions, FAIL_FAST);
  publisher.on('error', ignore);
  return { ...clients, publisher, owned: [publisher, clients.subscriber] };
}

/** Clients cachet creates fail fast rather than queue commands while disconnected: the engine owns retries. */
const FAIL_FAST: Partial<RedisOptions> = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 };
/** The subscriber does not re-subscribe on its own: the transport does, and reports `up` once Redis acknowledged it. */
const SUBSCRIBER_OPTIONS: Partial<RedisOptions> = { ...FAIL_FAST, autoResubscribe: false };

function createClient(connection: string | RedisOptions, extra: Partial<RedisOptions>): Redis {
  return typeof connection === 'string' ? new Redis(connection, extra) : new Redis({ ...connection, ...extra });
}

/** Connection errors on clients cachet owns are reported through `down` and rejections, never unhandled. */
function withErrorHandlers(clients: RedisClients): RedisClients {
  for (const client of clients.owned) client.on('error', ignore);
  return clients;
}

/** Does nothing: connection errors of clients cachet owns are reported through `down` and rejections. */
function ignore(): void {}

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

/** Closes a client cachet created: politely when it is connected, at once otherwise. Never rejects. */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // The connection broke while quitting: fall through and drop it.
    }
  }
  client.disconnect();
}
