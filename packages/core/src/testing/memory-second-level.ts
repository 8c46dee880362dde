import type {
  SecondLevelCache,
  SecondLevelContext,
  SecondLevelEntry,
  SecondLevelListener,
  SecondLevelRead,
} from '../backends/second-level-cache';

interface StoredEntry {
  readonly value: Uint8Array;
  readonly dependencies: readonly string[];
  readonly slidingMs: number | undefined;
  expiresAt: number;
}

/** One namespace of the shared data: entries, who depends on what, and the versions of the fence. */
class Namespace {
  readonly entries = new Map<string, StoredEntry>();
  readonly dependents = new Map<string, Set<string>>();
  readonly invalidatedAt = new Map<string, number>();
  version = 0;
  clearedAt = 0;
  /** The highest version of an invalidation record forgotten: a stamp older than it cannot be checked. */
  forgottenUpTo = 0;
}

/** Options of {@link MemorySecondLevel}. */
export interface MemorySecondLevelOptions {
  /** The clock of lifetimes, in milliseconds: inject one in tests. @default performance.now */
  readonly clock?: () => number;
  /**
   * Invalidation records kept per namespace; beyond it the oldest are forgotten, and stamps as old as them
   * are refused (the contract's bounded-records rule).
   * @default 10000
   */
  readonly maxInvalidationRecords?: number;
}

/** The data of a {@link MemorySecondLevel}, shared by every client made with {@link MemorySecondLevel.another}. */
class SharedData {
  readonly namespaces = new Map<string, Namespace>();
  constructor(
    readonly clock: () => number,
    readonly maxInvalidationRecords: number,
  ) {}
}

function unavailable(name: string): Error {
  return new Error(`${name} is unavailable (MemorySecondLevel.setAvailable(false))`);
}

/**
 * The in-memory reference implementation of {@link SecondLevelCache}: what `describeSecondLevelConformance`
 * holds other stores to, and a shared second level for tests of several services in one process. Clients
 * made with {@link MemorySecondLevel.another} share one set of data, as instances share one Redis.
 * Unbounded in entries: for tests, not production.
 *
 * @example
 * ```ts
 * const l2 = new MemorySecondLevel();
 * const a = CachingService.create({ l2 });
 * const b = CachingService.create({ l2: l2.another() });
 * ```
 */
export class MemorySecondLevel implements SecondLevelCache {
  readonly name = 'memory';
  /** Operations served (rejected ones not counted), for tests that count round trips. */
  readonly operations = { get: 0, set: 0, invalidate: 0, clear: 0 };
  private data: SharedData;
  private namespace: Namespace | undefined;
  private listener: SecondLevelListener | undefined;
  private available = true;

  constructor(options: MemorySecondLevelOptions = {}) {
    this.data = new SharedData(options.clock ?? (() => performance.now()), options.maxInvalidationRecords ?? 10_000);
  }

  /** Another client over the same data (clock and bounds included): what a second instance would open. */
  another(): MemorySecondLevel {
    const client = new MemorySecondLevel();
    client.data = this.data;
    return client;
  }

  /** Simulates an outage of this client (operations reject, `down` is reported) or its end (`up`). */
  setAvailable(available: boolean): void {
    if (available === this.available) return;
    this.available = available;
    if (available) this.listener?.up();
    else this.listener?.down(unavailable(this.name));
  }

  /** Entries and dependency records held for `namespace`, expired ones purged first. */
  records(namespace: string): number {
    const space = this.data.namespaces.get(namespace);
    if (space === undefined) return 0;
    this.purgeExpired(space);
    return space.entries.size + space.dependents.size;
  }

  open(context: SecondLevelContext): Promise<void> {
    this.listener = context.listener;
    let space = this.data.namespaces.get(context.namespace);
    if (space === undefined) this.data.namespaces.set(context.namespace, (space = new Namespace()));
    this.namespace = space;
    return Promise.resolve();
  }

  async get(key: string): Promise<SecondLevelRead> {
    const space = this.use();
    this.operations.get++;
    const entry = this.live(space, key);
    if (entry === undefined) return { hit: false, version: space.version };
    const now = this.data.clock();
    if (entry.slidingMs !== undefined) entry.expiresAt = now + entry.slidingMs;
    const expiresInMs = entry.slidingMs === undefined && entry.expiresAt !== Infinity ? entry.expiresAt - now : undefined;
    return { hit: true, value: entry.value.slice(), dependencies: entry.dependencies, version: space.version, expiresInMs };
  }

  async set(key: string, entry: SecondLevelEntry): Promise<boolean> {
    const space = this.use();
    this.operations.set++;
    if (this.stale(space, key, entry)) return false;
    this.remove(space, key);
    const lifetime = entry.slidingMs ?? entry.ttlMs;
    space.entries.set(key, {
      value: entry.value.slice(),
      dependencies: [...entry.dependencies],
      slidingMs: entry.slidingMs,
      expiresAt: lifetime === undefined ? Infinity : this.data.clock() + lifetime,
    });
    for (const dependency of entry.dependencies) {
      let keys = space.dependents.get(dependency);
      if (keys === undefined) space.dependents.set(dependency, (keys = new Set()));
      keys.add(key);
    }
    return true;
  }

  async invalidate(keys: readonly string[], dependencies: readonly string[]): Promise<number> {
    const space = this.use();
    this.operations.invalidate++;
    const version = ++space.version;
    const pending = [...keys, ...dependencies];
    const seen = new Set<string>();
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (seen.has(name)) continue;
      seen.add(name);
      space.invalidatedAt.delete(name); // re-inserted last: the map stays ordered by version
      space.invalidatedAt.set(name, version);
      if (space.entries.has(name)) this.remove(space, name);
      for (const dependent of space.dependents.get(name) ?? []) pending.push(dependent);
    }
    this.forgetOldRecords(space);
    return version;
  }

  async clear(): Promise<number> {
    const space = this.use();
    this.operations.clear++;
    space.entries.clear();
    space.dependents.clear();
    space.invalidatedAt.clear();
    // The records dropped are all older than the clear, which refuses every stamp they could refuse.
    space.clearedAt = ++space.version;
    return space.version;
  }

  async close(): Promise<void> {
    this.listener = undefined;
  }

  private use(): Namespace {
    if (this.namespace === undefined) throw new Error('MemorySecondLevel: open() was not called');
    if (!this.available) throw unavailable(this.name);
    return this.namespace;
  }

  /** The contract's refusal rules, checked in the same step as the write. */
  private stale(space: Namespace, key: string, entry: SecondLevelEntry): boolean {
    const { version, older = [] } = entry.stamp;
    const lowest = older.reduce((min, [, olderVersion]) => Math.min(min, olderVersion), version);
    if (space.clearedAt > lowest || lowest < space.forgottenUpTo) return true;
    if ((space.invalidatedAt.get(key) ?? 0) > version) return true;
    const olderVersions = new Map(older);
    return entry.dependencies.some((dependency) => (space.invalidatedAt.get(dependency) ?? 0) > (olderVersions.get(dependency) ?? version));
  }

  private live(space: Namespace, key: string): StoredEntry | undefined {
    const entry = space.entries.get(key);
    if (entry === undefined || entry.expiresAt > this.data.clock()) return entry;
    this.remove(space, key);
    return undefined;
  }

  private remove(space: Namespace, key: string): void {
    const entry = space.entries.get(key);
    if (entry === undefined) return;
    space.entries.delete(key);
    for (const dependency of entry.dependencies) {
      const keys = space.dependents.get(dependency);
      keys?.delete(key);
      if (keys?.size === 0) space.dependents.delete(dependency);
    }
  }

  private purgeExpired(space: Namespace): void {
    for (const key of [...space.entries.keys()]) this.live(space, key);
  }

  private forgetOldRecords(space: Namespace): void {
    for (const [name, version] of space.invalidatedAt) {
      if (space.invalidatedAt.size <= this.data.maxInvalidationRecords) return;
      space.invalidatedAt.delete(name);
      space.forgottenUpTo = Math.max(space.forgottenUpTo, version);
    }
  }
}
