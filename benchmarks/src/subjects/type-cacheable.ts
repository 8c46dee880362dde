import { Cacheable, type CacheKeyBuilder } from '@type-cacheable/core';
import { LRUCacheAdapter } from '@type-cacheable/lru-cache-adapter';
import stringify from 'fast-json-stable-stringify';
import { LRUCache } from 'lru-cache';
import type { CachedUsers, Subject } from './subject.js';
import type { User, UserQuery, UserStore } from './user-store.js';

/** A method decorator of the legacy (`experimentalDecorators`) flavour, the only one type-cacheable ships. */
type LegacyMethodDecorator = (target: object, propertyKey: string, descriptor?: PropertyDescriptor) => PropertyDescriptor;

/**
 * Applies a legacy decorator to `prototype[method]` exactly as TypeScript's emitted `__decorate` does.
 * Done by hand so that this package compiles without `experimentalDecorators` (the root typecheck
 * compiles it with standard decorators, which cachet uses here).
 */
function decorate(prototype: object, method: string, decorator: LegacyMethodDecorator): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
  Object.defineProperty(prototype, method, decorator(prototype, method, descriptor));
}

function typeCacheable(name: string, cacheKey: ((method: string) => CacheKeyBuilder) | undefined): Subject {
  return {
    name,
    supportsTags: false,
    create(store: UserStore, { maxEntries }): CachedUsers {
      // The adapter's types name lru-cache's CommonJS build, this package imports its ES build: same class.
      const lru = new LRUCache<string, object>({ max: maxEntries });
      const client = new LRUCacheAdapter(lru as unknown as ConstructorParameters<typeof LRUCacheAdapter>[0]);
      // The store is reached through the closure, not a field: type-cacheable's default key serializes `this`.
      class Users implements CachedUsers {
        async getUser(id: number, query: UserQuery): Promise<User> {
          return store.loadUser(id, query);
        }
        async getName(id: number): Promise<string> {
          return store.loadName(id);
        }
        async close(): Promise<void> {
          lru.clear();
        }
      }
      for (const method of ['getUser', 'getName']) {
        decorate(Users.prototype, method, Cacheable({ client, ...(cacheKey ? { cacheKey: cacheKey(method) } : {}) }));
      }
      return new Users();
    },
  };
}

/** type-cacheable `@Cacheable` over its lru-cache adapter, with its default key (md5 of serialized args and `this`). */
export const typeCacheableDefaultKey: Subject = typeCacheable('type-cacheable (default key)', undefined);

/** type-cacheable `@Cacheable` with a `cacheKey` function built like the floor's key. */
export const typeCacheableStableKey: Subject = typeCacheable('type-cacheable (cacheKey: stringify)', (method) => (args) =>
  `Users.${method}:${stringify(args)}`,
);
