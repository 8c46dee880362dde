import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Loader, RedisNotificationConsumer, RedisNotificationPublisher } from 'layered-loader';
import { idFromKey, userKey, type RemotePeer } from './remote-peer.js';

/** A layered-loader over an in-memory cache; keys are load params as they are. */
function createLoader(entries: number, notifications: object): Loader<{ id: number }> {
  return new Loader<{ id: number }>({
    inMemoryCache: { maxItems: entries * 2, ttlInMsecs: 3_600_000 },
    dataSourceGetOneFn: async (key) => ({ id: idFromKey(key) }),
    ...notifications,
  });
}

/** layered-loader's Redis notification pair: `invalidateCacheFor` publishes; consumers delete from memory. */
export const layeredLoaderNotifications: RemotePeer = {
  name: 'layered-loader (Redis notifications)',
  async sender(url, channel) {
    const notificationPublisher = new RedisNotificationPublisher<{ id: number }>(new Redis(url), { channel, serverUuid: randomUUID() });
    const loader = createLoader(1_000, { notificationPublisher });
    await loader.init();
    return {
      invalidate: (id) => loader.invalidateCacheFor(userKey(id)),
      close: () => loader.close(),
    };
  },
  async receiver(url, channel, entries, onEvict) {
    const notificationConsumer = new RedisNotificationConsumer<{ id: number }>(new Redis(url), { channel, serverUuid: randomUUID() });
    const loader = createLoader(entries, { notificationConsumer });
    await loader.init();
    for (let id = 0; id < entries; id++) await loader.get(userKey(id));
    // The consumer evicts through the target cache the loader handed it; observe that call.
    const target = (notificationConsumer as unknown as { targetCache: { delete(key: string): void } }).targetCache;
    const evict = target.delete.bind(target);
    target.delete = (key) => {
      evict(key);
      onEvict(idFromKey(key));
    };
    return { close: () => loader.close() };
  },
};
