import stringify from 'fast-json-stable-stringify';
import { Loader } from 'layered-loader';
import type { CachedUsers, Subject } from './subject.js';
import type { User, UserQuery } from './user-store.js';

/** layered-loader `Loader` with its in-memory cache only and the floor's key as its key resolver. */
export const layeredLoader: Subject = {
  name: 'layered-loader (in-memory)',
  supportsTags: false,
  create(store, { maxEntries }): CachedUsers {
    const users = new Loader<User, { id: number; query: UserQuery }>({
      inMemoryCache: { maxItems: maxEntries, ttlInMsecs: 3_600_000 },
      cacheKeyFromLoadParamsResolver: (params) => 'Users.getUser:' + stringify([params.id, params.query]),
      dataSourceGetOneFn: (params) => store.loadUser(params.id, params.query),
    });
    const names = new Loader<string, number>({
      inMemoryCache: { maxItems: maxEntries, ttlInMsecs: 3_600_000 },
      cacheKeyFromLoadParamsResolver: (id) => 'Users.getName:' + id,
      dataSourceGetOneFn: (id) => store.loadName(id),
    });
    return {
      getUser: (id, query) => users.get({ id, query }) as Promise<User>,
      getName: (id) => names.get(id) as Promise<string>,
      async close() {
        await Promise.all([users.close(), names.close()]);
      },
    };
  },
};
