import type { User, UserQuery, UserStore } from './user-store.js';

/** How a scenario wants a library's cache set up. */
export interface SubjectOptions {
  /** Capacity of the in-memory cache, in entries. */
  readonly maxEntries: number;
  /** Attach the tag {@link userTag}(id) to every `getUser` entry. */
  readonly tags: boolean;
}

/** The same three cached methods, implemented with one library. */
export interface CachedUsers {
  /** Async method with a primitive and an options object as arguments. */
  getUser(id: number, query: UserQuery): Promise<User>;
  /** Async method with one primitive argument. */
  getName(id: number): Promise<string>;
  /** Sync method with one primitive argument; absent when the library caches only async functions. */
  readonly labelOf?: (id: number) => string;
  /** Sync method shaped like {@link CachedUsers.getUser}; absent when the library caches only async functions. */
  readonly findUser?: (id: number, query: UserQuery) => User;
  /** Releases timers and connections. */
  close(): Promise<void>;
}

/** A library under test, able to build {@link CachedUsers} over a store. */
export interface Subject {
  /** Row label in the tables. */
  readonly name: string;
  /** Whether {@link SubjectOptions.tags} is honoured. */
  readonly supportsTags: boolean;
  create(store: UserStore, options: SubjectOptions): CachedUsers | Promise<CachedUsers>;
}
