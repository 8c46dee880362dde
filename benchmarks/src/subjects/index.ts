import { asyncCacheDedupe } from './async-cache-dedupe.js';
import { bentocache } from './bentocache.js';
import { cachetEagerSubject, cachetSubject, cachetTtlSubject } from './cachet.js';
import { cacheManager } from './cache-manager.js';
import { layeredLoader } from './layered-loader.js';
import { lruFloor, lruJsonFloor } from './lru-floor.js';
import type { Subject } from './subject.js';
import { typeCacheableDefaultKey, typeCacheableStableKey } from './type-cacheable.js';

export type { CachedUsers, Subject } from './subject.js';
export { UserStore, type UserQuery } from './user-store.js';

/** The floor every in-process table is measured against. */
export const floor: Subject = lruFloor;

/** The floor with `JSON.stringify` keys, for the two-argument hit path. */
export const jsonFloor: Subject = lruJsonFloor;

/** cachet itself. */
export const cachet: Subject = cachetSubject;

/** cachet with a `ttl`, and with the same `ttl` and eager refresh: what a resilience option costs a hit. */
export const cachetTtl: Subject = cachetTtlSubject;
export const cachetEager: Subject = cachetEagerSubject;

/** The peers, in the order the tables list them. */
export const peers: readonly Subject[] = [
  layeredLoader,
  cacheManager,
  asyncCacheDedupe,
  bentocache,
  typeCacheableStableKey,
  typeCacheableDefaultKey,
];
