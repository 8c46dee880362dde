import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import stringify from 'fast-json-stable-stringify';
import type { CachedUsers, Subject } from './subject.js';
import { userTag } from './user-store.js';

/** bentocache with a memory L1 only, `getOrSet` with the floor's key. */
export const bentocache: Subject = {
  name: 'bentocache (memory L1)',
  supportsTags: true,
  create(store, { maxEntries, tags }): CachedUsers {
    const bento = new BentoCache({
      default: 'memory',
      stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: maxEntries })) },
    });
    return {
      getUser: (id, query) =>
        bento.getOrSet({
          key: 'Users.getUser:' + stringify([id, query]),
          factory: () => store.loadUser(id, query),
          ...(tags ? { tags: [userTag(id)] } : {}),
        }),
      getName: (id) => bento.getOrSet({ key: 'Users.getName:' + id, factory: () => store.loadName(id) }),
      close: () => bento.disconnect(),
    };
  },
};
