import type { SynchronizationOptions } from '@cachet/core';
import { RedisSynchronization, type RedisConnection } from '@cachet/redis';
import { startServices, type Instance } from './service-instances';

export { disposeInstances, eventually, EVENT_TIMEOUT_MS, invalidateAcross, nextEvent, nextRemoteInvalidation, warm, type Instance } from './service-instances';

/**
 * Starts `count` caching services synchronized over Redis on one channel, each with its own Inventory over
 * `store`, and resolves once every subscription is active. An array of connections gives each its own.
 */
export function startInstances(
  count: number,
  store: Map<string, number>,
  options: {
    connection: RedisConnection | readonly RedisConnection[];
    channel: string;
    namespace?: string;
    sync?: Omit<SynchronizationOptions, 'transport'>;
  },
): Promise<Instance[]> {
  const connectionOf = (i: number): RedisConnection =>
    Array.isArray(options.connection) ? (options.connection[i] as RedisConnection) : (options.connection as RedisConnection);
  return startServices(count, store, (i) => new RedisSynchronization({ connection: connectionOf(i), channel: options.channel }), options);
}
