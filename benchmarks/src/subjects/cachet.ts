import { Cache, CachingService, MemoryBackend } from '@cachet/core';
import type { CachedUsers, Subject } from './subject.js';
import { userTag, type User, type UserQuery, type UserStore } from './user-store.js';

/** The four methods as a cachet user writes them (standard decorators), over `store` and `service`. */
function usersClass(store: UserStore, service: CachingService, tags: boolean) {
  class Users implements CachedUsers {
    @Cache(tags ? { tags: (id: number) => [userTag(id)] } : {})
    async getUser(id: number, query: UserQuery): Promise<User> {
      return store.loadUser(id, query);
    }

    @Cache()
    async getName(id: number): Promise<string> {
      return store.loadName(id);
    }

    @Cache()
    labelOf(id: number): string {
      return store.label(id);
    }

    @Cache()
    findUser(id: number, query: UserQuery): User {
      return store.findUser(id, query);
    }

    async close(): Promise<void> {
      await service.dispose();
    }
  }
  return Users;
}

/** The four `@Cache` methods over `store`, bound to `service` (which the returned object's `close()` disposes). */
export function cachetUsers(store: UserStore, service: CachingService, tags = false): CachedUsers {
  const Users = usersClass(store, service, tags);
  return service.bind(new Users());
}

/** cachet: `@Cache` methods on a class bound to a service over the default memory backend. */
export const cachetSubject: Subject = {
  name: 'cachet @Cache',
  supportsTags: true,
  async create(store, { maxEntries, tags }): Promise<CachedUsers> {
    const service = CachingService.create({ backend: new MemoryBackend({ maxEntries }) });
    await service.initialize();
    return cachetUsers(store, service, tags);
  },
};
