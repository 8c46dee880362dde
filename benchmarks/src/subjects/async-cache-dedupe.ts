import { createCache } from 'async-cache-dedupe';
import type { CachedUsers, Subject } from './subject.js';
import type { User, UserQuery } from './user-store.js';

/**
 * async-cache-dedupe `define` over its memory storage; its functions take one argument, so two are packed.
 * Tags (its `references`) are not measured: filling 100,000 referenced entries into its memory storage
 * took 33 s on the benchmark machine (its reference index grows quadratically), too slow for a run.
 */
export const asyncCacheDedupe: Subject = {
  name: 'async-cache-dedupe (define)',
  supportsTags: false,
  create(store, { maxEntries }): CachedUsers {
    const cache = createCache({ ttl: 3_600, storage: { type: 'memory', options: { size: maxEntries } } })
      .define('getUser', (args: { id: number; query: UserQuery }): Promise<User> => store.loadUser(args.id, args.query))
      .define('getName', (id: number): Promise<string> => store.loadName(id));
    return {
      getUser: (id, query) => cache.getUser({ id, query }),
      getName: (id) => cache.getName(id),
      close: () => cache.clear(),
    };
  },
};
