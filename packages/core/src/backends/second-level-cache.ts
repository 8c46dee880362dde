import type { SynchronizationTransport } from '../sync/transport';

/**
 * The versions a result was loaded under: what a {@link SecondLevelCache} checks, atomically, before it
 * stores the result (the cross-instance coherence fence).
 *
 * A store keeps one version counter per namespace. Every {@link SecondLevelCache.invalidate} and
 * {@link SecondLevelCache.clear} raises it by one and records the new version against every name it
 * invalidates: each key given, each dependency given, and each key it removed as a dependent. A load reads
 * the current version when it starts (from the miss of {@link SecondLevelCache.get}); its result is stale if
 * any name it was built from has been invalidated at a higher version since.
 */
export interface VersionStamp {
  /**
   * The store's version when the load began. It applies to the key being stored and to every dependency
   * not listed in {@link VersionStamp.older}. A service that could not read it (second level down, or a
   * method kept out of it) uses the highest version it has seen, which is never newer than the truth, so it
   * can only make the store refuse more, never less.
   */
  readonly version: number;
  /**
   * Dependencies observed at a version older than {@link VersionStamp.version}: entries a load took from
   * the first level (memory), which were loaded earlier and carry the version they are known valid at.
   * The lowest version per name, below {@link VersionStamp.version}; names appear at most once and each
   * is one of the entry's dependencies.
   * @default none
   */
  readonly older?: readonly (readonly [name: string, version: number])[] | undefined;
}

/** What {@link SecondLevelCache.set} stores under a key. */
export interface SecondLevelEntry {
  /** The serialized value (cachet serializes; the store keeps the bytes as given). */
  readonly value: Uint8Array;
  /** Absolute lifetime in milliseconds; absent for none. Excludes {@link SecondLevelEntry.slidingMs}. */
  readonly ttlMs?: number | undefined;
  /**
   * Lifetime in milliseconds that every {@link SecondLevelCache.get} hit restarts; absent for none.
   * Excludes {@link SecondLevelEntry.ttlMs}.
   */
  readonly slidingMs?: number | undefined;
  /**
   * Tags and keys of other entries this entry was built from: invalidating any of them removes this entry
   * (and, transitively, the entries that depend on this entry's key). The store keeps them no longer than
   * the entry itself, and never lets an evicted or expired entry make an invalidation miss a dependent.
   */
  readonly dependencies: readonly string[];
  /** The versions the value was loaded under: checked by `set`, then not needed (the store need not keep it). */
  readonly stamp: VersionStamp;
}

/** A {@link SecondLevelCache.get} that found a live entry. */
export interface SecondLevelHit {
  readonly hit: true;
  /** The bytes stored by {@link SecondLevelCache.set}. */
  readonly value: Uint8Array;
  /** The entry's dependencies, as stored. */
  readonly dependencies: readonly string[];
  /**
   * The namespace's current version, read atomically with the entry. An entry still present is valid at
   * that version (an invalidation of its key or of any dependency would have removed it), so the first
   * level keeps its copy stamped with it.
   */
  readonly version: number;
  /**
   * For an entry with an absolute lifetime, the milliseconds it has left: the first level keeps its copy
   * no longer. Absent for entries without one (sliding or none).
   */
  readonly expiresInMs?: number | undefined;
}

/** A {@link SecondLevelCache.get} that found no live entry. */
export interface SecondLevelMiss {
  readonly hit: false;
  /** The namespace's current version, read atomically with the miss: the version of the load that follows. */
  readonly version: number;
}

/** The outcome of {@link SecondLevelCache.get}. */
export type SecondLevelRead = SecondLevelHit | SecondLevelMiss;

/** What a store calls back into when its link changes. */
export interface SecondLevelListener {
  /**
   * The store cannot serve (connection lost, server gone). May be called more than once for one outage.
   * Operations may reject meanwhile; the service stops using the store until {@link SecondLevelListener.up}.
   */
  down(reason: Error): void;
  /**
   * The store serves again after {@link SecondLevelListener.down}. The service then replays the
   * invalidations it could not apply and clears its first level (it may have missed invalidations) before
   * it uses the store again.
   */
  up(): void;
}

/** What a service tells a store when it opens it. */
export interface SecondLevelContext {
  /**
   * The service's namespace: every key the service passes starts with `namespace:`; tags and dependency
   * names do not. Versions, dependencies and {@link SecondLevelCache.clear} are scoped to it, so services
   * with different namespaces on one store never see each other.
   */
  readonly namespace: string;
  readonly listener: SecondLevelListener;
}

/**
 * A shared, asynchronous second level under every instance's memory cache (L1 + L2): Redis in
 * `@cachet/redis` (`RedisL2`), and whatever follows (PostgreSQL, SQLite). An L1 miss reads it before the
 * method runs; a load writes both levels. The store keeps bytes, lifetimes, dependencies and versions; it
 * never sees values, keys' meaning or the bus. `describeSecondLevelConformance` in `@cachet/core/testing`
 * checks an implementation.
 *
 * Rules every implementation keeps:
 * - Operations from one instance take effect in the order they were called (one connection, or
 *   equivalent): a `get` issued after an `invalidate` never sees what the invalidation removed.
 * - {@link SecondLevelCache.set}, {@link SecondLevelCache.invalidate} and {@link SecondLevelCache.clear}
 *   are atomic on the server (a script, a transaction), each with its version checks.
 * - Versions never go down while the store's data lives. A store that lost its data (a server restarted
 *   without persistence) reports {@link SecondLevelListener.down} and then {@link SecondLevelListener.up}
 *   before it serves again, and starts its counter above every version it may have handed out (seeding it
 *   from the server's clock will do), since older stamps may still be in flight.
 * - A store may forget invalidation records (to stay bounded), but then refuses every stamp whose lowest
 *   version is below the highest version it forgot (the records above a stamp's version are what it needs).
 * - Operations reject when they cannot be done (an `Error`; the service counts it and carries on without
 *   the store); they never hang forever.
 *
 * One instance serves one caching service.
 */
export interface SecondLevelCache {
  /** A short name for events, stats and errors, such as `redis`. */
  readonly name: string;
  /**
   * Optional: a bus over the same server that keeps the services' first levels coherent, used when
   * `CachingService.create` is given no `synchronization` (an explicit one takes its place, and this one is
   * then never connected). The synchronization engine runs it like any transport: echoes, gaps and the gap
   * policy are the engine's, so the two never both apply a message nor fight over clearing the first level.
   */
  readonly synchronization?: SynchronizationTransport | undefined;
  /**
   * Prepares the store for one service; called once, by `initialize()`, before any other operation.
   * Resolves once operations may be tried (it need not wait for the server: an unreachable one is reported
   * with {@link SecondLevelListener.down}). Rejects on a configuration the store can never serve.
   */
  open(context: SecondLevelContext): Promise<void>;
  /**
   * The live entry under `key` (restarting its sliding lifetime), or a miss; either with the namespace's
   * current version, read in the same atomic step.
   */
  get(key: string): Promise<SecondLevelRead>;
  /**
   * Stores `entry` under `key`, replacing any previous entry, unless its stamp is stale. Refuses (resolves
   * `false`, stores nothing) when, since the version the stamp gives it, the namespace was cleared, `key`
   * was invalidated (directly or as a dependent), or any of `entry.dependencies` was invalidated; or when
   * the store forgot records the check needs. The check and the write are one atomic step.
   * @returns `true` when stored.
   */
  set(key: string, entry: SecondLevelEntry): Promise<boolean>;
  /**
   * Removes the entries under `keys` and every entry that depends on one of `keys` or `dependencies`,
   * transitively (a removed entry's key is a dependency of its dependents), safe against cycles; raises
   * the version by one and records it against every name given and every key removed. One atomic step.
   * @returns the namespace's version after the invalidation.
   */
  invalidate(keys: readonly string[], dependencies: readonly string[]): Promise<number>;
  /**
   * Removes every entry and dependency record of the namespace; raises the version and records it as the
   * namespace's clear, so that every stamp older than it is refused.
   * @returns the namespace's version after the clear.
   */
  clear(): Promise<number>;
  /**
   * Releases what the store opened (an application's own client is left open). Idempotent, prompt even
   * on a dead link. The data stays on the server.
   */
  close(): Promise<void>;
}
