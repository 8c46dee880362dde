import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { idFromKey, userKey, type RemotePeer } from './remote-peer.js';

/** The floor: raw ioredis PUBLISH of the key, SUBSCRIBE on the other side, `lru.delete(key)`. */
export const rawPubSub: RemotePeer = {
  name: 'floor: ioredis PUBLISH → lru.delete',
  async sender(url, channel) {
    const publisher = new Redis(url);
    await publisher.ping();
    return {
      invalidate: (id) => publisher.publish(channel, userKey(id)),
      close: async () => void (await publisher.quit()),
    };
  },
  async receiver(url, channel, entries, onEvict) {
    const lru = new LRUCache<string, { id: number }>({ max: entries * 2 });
    for (let id = 0; id < entries; id++) lru.set(userKey(id), { id });
    const subscriber = new Redis(url);
    subscriber.on('message', (_channel: string, key: string) => {
      if (lru.delete(key)) onEvict(idFromKey(key));
    });
    await subscriber.subscribe(channel);
    return { close: async () => void (await subscriber.quit()) };
  },
};
