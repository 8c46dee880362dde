import { VersionedValue } from '../backends/cache-backend';
import type { SecondLevelRead, VersionStamp } from '../backends/second-level-cache';
import { UnserializableValueError } from '../errors';
import type { Invalidation } from '../sync/envelope';
import { addDependencies, currentScope } from './caching-context';
import type { EventHub } from './events';
import type { Load } from './load-fence';
import type { MethodHandle } from './method-handle';
import type { CacheSettings } from './method-settings';
import type { ResolvedSecondLevelOptions } from './second-level-options';
import { SecondLevelLink } from './second-level-link';
import type { SecondLevelStats } from './stats';
import { type CacheSerializer, typeNameOf } from './value-serializer';

/** What a load knows of the versions its result is built on (see `VersionStamp`). */
interface LoadVersions {
  /** The store's version when the load began: read from the store, or the highest seen before. */
  version: number;
  /** Names taken from first-level entries valid only at an older version: the lowest version each. */
  older: Map<string, number> | undefined;
  /** The store checked the versions (stored it, or served it): the result is valid at `version`. */
  verified: boolean;
  /** The store refused the result: a newer invalidation overtook it, so the first level must not keep it either. */
  refused: boolean;
  /** For a result read from the store with an absolute lifetime: what is left of it, for the first level's copy. */
  expiresInMs: number | undefined;
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor.name === 'AsyncFunction';
}

/** The version at which every name a load's result is built on was last known valid. */
function validAt(versions: LoadVersions): number {
  if (versions.verified || versions.older === undefined) return versions.version;
  let lowest = versions.version;
  for (const version of versions.older.values()) lowest = Math.min(lowest, version);
  return lowest;
}

/**
 * The second level as the local cache sees it: reads it on a miss before the method runs, writes the
 * result (serialized) with the versions the load saw, keeps the store's verdict for the first level, and
 * carries versions from first-level entries up to the loads that use them (the fence against a new value
 * built on a stale first level). Everything here runs on misses; a hit only unwraps its entry.
 */
export class SecondLevelLoader {
  readonly link: SecondLevelLink;
  private readonly counters = { hits: 0, misses: 0, writes: 0, refused: 0, skipped: 0, unserializable: 0, errors: 0 };
  private readonly serializer: CacheSerializer;
  private readonly versions = new WeakMap<Load, LoadVersions>();

  constructor(
    options: ResolvedSecondLevelOptions,
    private readonly events: EventHub,
    recovered: () => void,
  ) {
    this.serializer = options.serializer;
    this.link = new SecondLevelLink(options.store, options, {
      recovered,
      error: (error, operation) => this.failed(error, operation),
      down: (reason) => events.emitFromService('l2-down', { reason }),
      up: (downForMs) => events.emitFromService('l2-up', { downForMs }),
    });
  }

  /** A snapshot of the counters. */
  get stats(): SecondLevelStats {
    return { ...this.counters, state: this.link.usable ? 'up' : 'down', pendingInvalidations: this.link.pendingInvalidations };
  }

  /**
   * Whether a miss goes through the second level: results of methods that return promises (known from an
   * earlier call, or declared `async`) and of `getOrSet`, unless the settings say `l2: false`.
   */
  serves(settings: CacheSettings, method: MethodHandle | undefined): boolean {
    if (!settings.l2 || method === undefined) return settings.l2;
    return method.returnsPromise ?? isAsyncFunction(method.definition.original);
  }

  /** A load begins (any load of the service): until it reads the store, its version is the highest seen. */
  begin(load: Load): void {
    this.versions.set(load, { version: this.link.highestVersion, older: undefined, verified: false, refused: false, expiresInMs: undefined });
  }

  /**
   * The body of a load through both levels, run in the load's scope: the store's entry when it has one;
   * otherwise the method's result, written to the store unless the first level's fence (`admits`) already
   * refuses it.
   */
  through(execute: () => unknown, settings: CacheSettings, where: string, admits: (load: Load) => boolean): () => Promise<unknown> {
    return async () => {
      const load = (currentScope() as NonNullable<ReturnType<typeof currentScope>>).load;
      const versions = this.versions.get(load) as LoadVersions;
      const read = this.link.usable ? await this.read(load.key) : undefined;
      if (read !== undefined) {
        this.link.saw(read.version);
        versions.version = read.version;
        if (read.hit) {
          const found = this.deserialize(read.value, where);
          if (found !== undefined) {
            this.counters.hits++;
            versions.verified = true;
            versions.expiresInMs = read.expiresInMs;
            addDependencies(load, read.dependencies);
            return found.value;
          }
        } else this.counters.misses++;
      }
      const value = await execute();
      if (admits(load)) await this.write(load, versions, value, settings, where);
      return value;
    };
  }

  /** Whether the store did not refuse the load's result. */
  admitted(load: Load): boolean {
    return this.versions.get(load)?.refused !== true;
  }

  /** The lifetime of the first level's copy of a load's result: no longer than the store's entry has left. */
  lifetime(load: Load, entry: CacheSettings['entry']): CacheSettings['entry'] {
    const left = this.versions.get(load)?.expiresInMs;
    return left === undefined || (entry.ttl !== undefined && entry.ttl <= left) ? entry : { ttl: Math.max(1, left), slidingExpiration: undefined };
  }

  /** The first-level entry for a load's result. */
  wrap(load: Load, value: unknown): VersionedValue {
    const versions = this.versions.get(load);
    return new VersionedValue(value, versions === undefined ? 0 : validAt(versions));
  }

  /** The value of a first-level entry. */
  unwrap(stored: unknown): unknown {
    return (stored as VersionedValue).value;
  }

  /** A load used a first-level entry (`key` with its dependencies): its result is built on that entry's versions. */
  usedEntry(caller: Load, key: string, dependencies: readonly string[], stored: unknown): void {
    const { version } = stored as VersionedValue;
    this.inherit(caller, [key], version);
    this.inherit(caller, dependencies, version);
  }

  /** A load used the result of another (nested, or joined): its result is built on that load's versions. */
  usedLoad(caller: Load, load: Load): void {
    const versions = this.versions.get(load);
    const version = versions === undefined ? 0 : validAt(versions);
    this.inherit(caller, [load.key], version);
    this.inherit(caller, load.dependencies, version);
  }

  /** An invalidation made here, for the store (replayed later if it cannot be applied now). */
  invalidate(invalidation: Invalidation): Promise<void> {
    return this.link.invalidate(invalidation);
  }

  private inherit(caller: Load, names: readonly string[], version: number): void {
    const versions = this.versions.get(caller);
    if (versions === undefined || version >= versions.version) return;
    versions.older ??= new Map();
    for (const name of names) {
      const known = versions.older.get(name);
      if (known === undefined || version < known) versions.older.set(name, version);
    }
  }

  private async read(key: string): Promise<SecondLevelRead | undefined> {
    try {
      return await this.link.store.get(key);
    } catch (error) {
      this.failed(error, `l2 get ${key}`);
      return undefined;
    }
  }

  private deserialize(bytes: Uint8Array, where: string): { value: unknown } | undefined {
    try {
      return { value: this.serializer.deserialize(bytes) };
    } catch (error) {
      this.failed(error, `l2 deserialize ${where}`);
      return undefined;
    }
  }

  private async write(load: Load, versions: LoadVersions, value: unknown, settings: CacheSettings, where: string): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = this.serializer.serialize(value);
    } catch (error) {
      this.counters.unserializable++;
      const valueType = error instanceof UnserializableValueError ? error.valueType : typeNameOf(value);
      this.events.emitFromService('error', { error: new UnserializableValueError(valueType, `the result of ${where}`, { cause: error }), operation: `l2 serialize ${where}` });
      return;
    }
    if (!this.link.usable) {
      this.counters.skipped++;
      return;
    }
    const dependencies = [...load.dependencies];
    try {
      const stored = await this.link.store.set(load.key, {
        value: bytes,
        ttlMs: settings.entry.ttl,
        slidingMs: settings.entry.slidingExpiration,
        dependencies,
        stamp: stampOf(versions, dependencies),
      });
      if (stored) {
        this.counters.writes++;
        versions.verified = true;
      } else {
        this.counters.refused++;
        versions.refused = true;
      }
    } catch (error) {
      this.failed(error, `l2 set ${load.key}`);
    }
  }

  private failed(error: unknown, operation: string): void {
    this.counters.errors++;
    this.events.emitFromService('error', { error, operation });
  }
}

function stampOf(versions: LoadVersions, dependencies: readonly string[]): VersionStamp {
  if (versions.older === undefined) return { version: versions.version };
  const names = new Set(dependencies);
  return { version: versions.version, older: [...versions.older].filter(([name]) => names.has(name)) };
}
