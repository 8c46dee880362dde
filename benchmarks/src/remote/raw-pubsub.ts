import { LRUCache } from 'lru-cache';
import { idFromKey, userKey, type Closable, type RemotePeer } from './remote-peer.js';

/** A raw client's publish and subscribe on one bus, one key per message: all a floor needs of it. */
export interface RawPubSub {
  /** Opens a publisher on `channel`, connected once it resolves. */
  publisher(url: string, channel: string): Promise<{ publish(key: string): Promise<unknown> } & Closable>;
  /** Subscribes to `channel`, calling `onKey` with each message; resolves once the subscription is made. */
  subscribe(url: string, channel: string, onKey: (key: string) => void): Promise<Closable>;
}

/** A floor: the raw client publishes the key, the other side's subscription runs `lru.delete(key)`. */
export function rawFloor(name: string, pubSub: RawPubSub): RemotePeer {
  return {
    name,
    async sender(url, channel) {
      const publisher = await pubSub.publisher(url, channel);
      return { invalidate: (id) => publisher.publish(userKey(id)), close: () => publisher.close() };
    },
    async receiver(url, channel, entries, onEvict) {
      const lru = new LRUCache<string, { id: number }>({ max: entries * 2 });
      for (let id = 0; id < entries; id++) lru.set(userKey(id), { id });
      return pubSub.subscribe(url, channel, (key) => {
        if (lru.delete(key)) onEvict(idFromKey(key));
      });
    },
  };
}
