import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver } from 'bentocache/drivers/redis';
import { Redis } from 'ioredis';
import { idFromKey, userKey, type RemotePeer } from './remote-peer.js';

/** A bentocache with a memory L1 and its Redis bus (no L2: the bus alone keeps the L1s coherent). */
function createBento(url: string, channel: string, maxItems: number) {
  // bentocache duplicates the connection it is given for its publisher and subscriber; this one never connects.
  const template = new Redis(url, { lazyConnect: true });
  // The store's name becomes part of the bus channel, which keeps runs apart.
  const store = bentostore().useL1Layer(memoryDriver({ maxItems })).useBus(redisBusDriver({ connection: template }));
  const bento = new BentoCache({ default: channel, stores: { [channel]: store } });
  return { bento, template };
}

/** bentocache's bus: `delete` removes the key locally and publishes it; other instances drop it from L1. */
export const bentocacheBus: RemotePeer = {
  name: 'bentocache (L1 + Redis bus)',
  async sender(url, channel) {
    const { bento, template } = createBento(url, channel, 1_000);
    return {
      invalidate: (id) => bento.delete({ key: userKey(id) }),
      async close() {
        await bento.disconnect();
        template.disconnect();
      },
    };
  },
  async receiver(url, channel, entries, onEvict) {
    const { bento, template } = createBento(url, channel, entries * 2);
    for (let id = 0; id < entries; id++) await bento.set({ key: userKey(id), value: { id } });
    // Emitted synchronously just before the bus deletes the keys from L1.
    bento.on('bus:message:received', ({ message }) => {
      for (const key of message.keys ?? []) onEvict(idFromKey(key));
    });
    return {
      async close() {
        await bento.disconnect();
        template.disconnect();
      },
    };
  },
};
