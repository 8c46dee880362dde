import type { SecondLevelCache, SecondLevelContext, SecondLevelEntry, SecondLevelListener, SecondLevelRead } from '@cachet/core';
import { CacheConfigurationError, ServiceDisposedError } from '@cachet/core';
import { RedisL2LinkLostError } from './errors';
import { FAIL_FAST, whenReady } from './redis-clients';
import { createRedisClient, describeConnection, type RedisClient } from './redis-connection';
import { RedisL2Commands } from './redis-l2-commands';
import { type RedisL2Options, type ResolvedRedisL2Options, resolveRedisL2Options } from './redis-l2-options';
import { sweep } from './redis-l2-sweep';
import { RedisSynchronization } from './redis-synchronization';

/**
 * Redis as the shared second level under every instance's memory cache: hand it to
 * `CachingService.create({ l2 })`. A value computed once serves every instance, a new instance starts warm,
 * and invalidations (by key, tag, dependency, or clear) are applied in Redis atomically, transitively, by a
 * script. With no `synchronization` of the service's own, the memory caches are kept coherent over the
 * same Redis (a {@link RedisSynchronization} on {@link RedisL2Options.channel}).
 *
 * Each operation is one Lua script on one connection of cachet's own, and every key of a namespace shares
 * one hash tag: one round trip per operation, one slot per namespace on Redis Cluster.
 *
 * @example
 * ```ts
 * const service = CachingService.create({
 *   namespace: 'shop',
 *   l2: new RedisL2({ connection: 'redis://127.0.0.1:6379', keyPrefix: 'cachet' }),
 * });
 * await service.initialize();
 * ```
 */
export class RedisL2 implements SecondLevelCache {
  readonly name = 'redis';
  /** The bus over the same Redis, used when the service is given no `synchronization` of its own. */
  readonly synchronization: RedisSynchronization;
  readonly #options: ResolvedRedisL2Options;
  #client: RedisClient | undefined;
  #commands: RedisL2Commands | undefined;
  #listener: SecondLevelListener | undefined;
  /** `opening` until `open()` settles: Redis answering then is not news to the service. */
  #link: 'opening' | 'up' | 'down' = 'opening';
  #closed = false;

  /** @throws {@link RedisL2OptionError} when an option is invalid. */
  constructor(options: RedisL2Options) {
    this.#options = resolveRedisL2Options(options);
    const { connection, channel, connectTimeoutMs } = this.#options;
    this.synchronization = new RedisSynchronization({ connection, channel, connectTimeoutMs });
  }

  /** The prefix of every key of `namespace` in Redis: `{<keyPrefix>:<namespace>}`, a Redis Cluster hash tag. */
  keyTag(namespace: string): string {
    return `{${this.#options.keyPrefix}:${namespace}}`;
  }

  /**
   * Opens this store's connection for one service and resolves once Redis answers, or once
   * {@link RedisL2Options.connectTimeoutMs} has passed: then it reports the store down (the service runs on
   * memory and the method) and up once Redis answers.
   */
  async open({ namespace, listener }: SecondLevelContext): Promise<void> {
    if (this.#commands !== undefined) {
      throw new CacheConfigurationError('l2', `a RedisL2 serves one caching service, and this one already serves ${this.#commands.tag}. Create one RedisL2 per service.`);
    }
    const { connection, commandTimeoutMs } = this.#options;
    const client = createRedisClient(connection, { ...FAIL_FAST, commandTimeout: commandTimeoutMs }, (cluster) => ({
      enableOfflineQueue: false,
      redisOptions: { ...cluster.options.redisOptions, commandTimeout: commandTimeoutMs },
    }));
    this.#client = client;
    this.#listener = listener;
    this.#commands = new RedisL2Commands(client, this.keyTag(namespace), this.#options.maxInvalidationRecords);
    let lastError: Error | undefined;
    client.on('error', (error: Error) => (lastError = error));
    for (const event of ['close', 'end']) client.on(event, () => this.#reportDown(lastError));
    client.on('ready', () => {
      if (this.#closed || this.#link !== 'down') return;
      this.#link = 'up';
      lastError = undefined;
      listener.up();
    });
    try {
      await whenReady(client, this.#options.connectTimeoutMs);
      this.#link = 'up';
    } catch (error) {
      this.#link = 'up';
      this.#reportDown(error instanceof Error ? error : lastError);
    }
  }

  async get(key: string): Promise<SecondLevelRead> {
    return this.#use('get').get(key);
  }

  async set(key: string, entry: SecondLevelEntry): Promise<boolean> {
    return this.#use('set').set(key, entry);
  }

  async invalidate(keys: readonly string[], dependencies: readonly string[]): Promise<number> {
    return this.#use('invalidate').invalidate(keys, dependencies);
  }

  /**
   * Clears the namespace atomically (a new generation of keys), then deletes the old generation's keys
   * with SCAN and UNLINK before it resolves. The clear holds even when that sweep fails; keys it left are
   * unreachable, and leave with their lifetime.
   */
  async clear(): Promise<number> {
    const commands = this.#use('clear');
    const { version, oldGeneration } = await commands.clear();
    await sweep(this.#client as RedisClient, `${commands.tag}:${oldGeneration}:`).catch(() => undefined);
    return version;
  }

  /** Drops the connection at once (nothing to flush). An application's own client is left open. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#client?.disconnect();
  }

  #use(operation: string): RedisL2Commands {
    if (this.#closed) throw new ServiceDisposedError(`RedisL2.${operation}`);
    if (this.#commands === undefined) throw new CacheConfigurationError('l2', `RedisL2.${operation}() was called before open(); CachingService.initialize() opens the store.`);
    return this.#commands;
  }

  #reportDown(cause: Error | undefined): void {
    if (this.#closed || this.#link !== 'up') return;
    this.#link = 'down';
    this.#listener?.down(new RedisL2LinkLostError(describeConnection(this.#options.connection), cause));
  }
}
