import stringify from 'fast-json-stable-stringify';
import { LRUCache } from 'lru-cache';
import type { CachedUsers, Subject } from './subject.js';
import type { User } from './user-store.js';

/**
 * The floor: methods cached by hand over a raw lru-cache, with the key a user would write,
 * `prefix + fast-json-stable-stringify(args)` (and `prefix + id` for one primitive). No single flight.
 */
export const lruFloor: Subject = {
  name: 'floor: lru-cache by hand',
  supportsTags: false,
  create(store, { maxEntries }): CachedUsers {
    const lru = new LRUCache<string, User | string>({ max: maxEntries });
    return {
      async getUser(id, query) {
        const key = 'Users.getUser:' + stringify([id, query]);
        const hit = lru.get(key) as User | undefined;
        if (hit !== undefined) return hit;
        const user = await store.loadUser(id, query);
        lru.set(key, user);
        return user;
      },
      async getName(id) {
        const key = 'Users.getName:' + id;
        const hit = lru.get(key) as string | undefined;
        if (hit !== undefined) return hit;
        const name = await store.loadName(id);
        lru.set(key, name);
        return name;
      },
      labelOf(id) {
        const key = 'Users.labelOf:' + id;
        const hit = lru.get(key) as string | undefined;
        if (hit !== undefined) return hit;
        const label = store.label(id);
        lru.set(key, label);
        return label;
      },
      async close() {
        lru.clear();
      },
    };
  },
};
