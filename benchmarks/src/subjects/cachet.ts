import { Cache, type CacheOptions, CachingService, MemoryBackend } from '@cachet/core';
import type { CachedUsers, Subject } from './subject.js';
import { userTag, type User, type UserQuery, type UserStore } from './user-store.js';

/**
 * The four methods as a cachet user writes them (standard decorators), over `store` and `service`, each
 * with `options` on top of the scenario's.
 */
function usersClass(store: UserStore, service: CachingService, tags: boolean, options: CacheOptions) {
  class Users implements CachedUsers {
    @Cache(tags ? { ...options, tags: (id: number) => [userTag(id)] } : options)
    async getUser(id: number, query: UserQuery): Promise<User> {
      return store.loadUser(id, query);
    }

    @Cache(options)
    async getName(id: number): Promise<string> {
      return store.loadName(id);
    }

    @Cache(options)
    labelOf(id: number): string {
      return store.label(id);
    }

    @Cache(options)
    findUser(id: number, query: UserQuery): User {
      return store.findUser(id, query);
    }

    async close(): Promise<void> {
      await service.dispose();
    }
  }
  return Users;
}

/** The four `@Cache` methods over `store`, each with `options`, bound to `service` (which the returned object's `close()` disposes). */
export function cachetUsers(store: UserStore, service: CachingService, tags = false, options: CacheOptions = {}): CachedUsers {
  const Users = usersClass(store, service, tags, options);
  return service.bind(new Users());
}

/** A cachet subject whose methods all take `options`. */
function cachetWith(name: string, options: CacheOptions): Subject {
  return {
    name,
    supportsTags: true,
    async create(store, { maxEntries, tags }): Promise<CachedUsers> {
      const service = CachingService.create({ backend: new MemoryBackend({ maxEntries }) });
      await service.initialize();
      return cachetUsers(store, service, tags, options);
    },
  };
}

/** cachet: `@Cache` methods on a class bound to a service over the default memory backend. */
export const cachetSubject: Subject = cachetWith('cachet @Cache', {});

/** cachet with a `ttl` of an hour: the reference of {@link cachetEagerSubject}. */
export const cachetTtlSubject: Subject = cachetWith('cachet @Cache, ttl', { ttl: 3_600_000 });

/**
 * cachet with eager refresh on (the same `ttl`, `eagerRefresh: 0.8`): a hit reads the entry's remaining
 * lifetime too. No entry reaches the refresh point while timed, so the row is the hit's cost, not a reload's.
 */
export const cachetEagerSubject: Subject = cachetWith('cachet @Cache, ttl + eagerRefresh 0.8', { ttl: 3_600_000, eagerRefresh: 0.8 });
