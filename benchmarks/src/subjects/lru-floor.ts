import stringify from 'fast-json-stable-stringify';
import { LRUCache } from 'lru-cache';
import type { CachedUsers, Subject } from './subject.js';
import type { User, UserQuery } from './user-store.js';

/**
 * Methods cached by hand over a raw lru-cache, with the key a user would write: `prefix + serialize(args)`
 * for the two-argument methods and `prefix + id` for one primitive. No single flight.
 */
function handWritten(name: string, serialize: (args: [number, UserQuery]) => string): Subject {
  return {
    name,
    supportsTags: false,
    create(store, { maxEntries }): CachedUsers {
      const lru = new LRUCache<string, User | string>({ max: maxEntries });
      return {
        async getUser(id, query) {
          const key = 'Users.getUser:' + serialize([id, query]);
          const hit = lru.get(key) as User | undefined;
          if (hit !== undefined) return hit;
          const user = await store.loadUser(id, query);
          lru.set(key, user);
          return user;
        },
        findUser(id, query) {
          const key = 'Users.findUser:' + serialize([id, query]);
          const hit = lru.get(key) as User | undefined;
          if (hit !== undefined) return hit;
          const user = store.findUser(id, query);
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
}

/**
 * The floor: the key a user needs when options objects may list their properties in any order,
 * `prefix + fast-json-stable-stringify(args)`.
 */
export const lruFloor: Subject = handWritten('floor: lru-cache by hand', stringify);

/**
 * The floor with `JSON.stringify` keys: faster to build, but `{ a, b }` and `{ b, a }` get different keys.
 * Measured beside the floor because it is what a user who knows their callers would write.
 */
export const lruJsonFloor: Subject = handWritten('floor, JSON.stringify key', JSON.stringify);
