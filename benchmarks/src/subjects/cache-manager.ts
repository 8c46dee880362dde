import { createCache } from 'cache-manager';
import stringify from 'fast-json-stable-stringify';
import type { CachedUsers, Subject } from './subject.js';

/** cache-manager v7 with its default in-memory Keyv store, `wrap` with the floor's key. */
export const cacheManager: Subject = {
  name: 'cache-manager v7 (wrap)',
  supportsTags: false,
  create(store): CachedUsers {
    const cache = createCache();
    return {
      getUser: (id, query) => cache.wrap('Users.getUser:' + stringify([id, query]), () => store.loadUser(id, query)),
      getName: (id) => cache.wrap('Users.getName:' + id, () => store.loadName(id)),
      async close() {
        await cache.disconnect();
      },
    };
  },
};
