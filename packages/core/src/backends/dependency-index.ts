const NONE: readonly string[] = [];

/** One or several strings: most entries have one tag and most tags one entry, so a lone string is held as is. */
type OneOrMore = string | Set<string>;

/**
 * Which keys depend on which tags or keys, kept in step with the entries that declare them so that it
 * never outgrows the cache. The common case (one dependency per key, one key per dependency) allocates
 * no array and no `Set`.
 */
export class DependencyIndex {
  private readonly dependents = new Map<string, OneOrMore>();
  private readonly dependenciesByKey = new Map<string, string | readonly string[]>();

  /**
   * Records that `key` depends on `dependencies` (replacing nothing: call {@link remove} first). Strings
   * are held as given: pass flat ones (see `flatString`) to keep the index small.
   */
  add(key: string, dependencies: readonly string[]): void {
    this.dependenciesByKey.set(key, dependencies.length === 1 ? (dependencies[0] as string) : dependencies);
    for (const dependency of dependencies) {
      const keys = this.dependents.get(dependency);
      if (keys === undefined) this.dependents.set(dependency, key);
      else if (typeof keys !== 'string') keys.add(key);
      else if (keys !== key) this.dependents.set(dependency, new Set([keys, key]));
    }
  }

  /** Forgets `key`'s dependencies; called whenever its entry leaves the cache. */
  remove(key: string): void {
    const dependencies = this.dependenciesByKey.get(key);
    if (dependencies === undefined) return;
    this.dependenciesByKey.delete(key);
    if (typeof dependencies === 'string') this.removeDependent(dependencies, key);
    else for (const dependency of dependencies) this.removeDependent(dependency, key);
  }

  /** What `key` depends on. */
  dependenciesOf(key: string): readonly string[] {
    const dependencies = this.dependenciesByKey.get(key);
    return dependencies === undefined ? NONE : typeof dependencies === 'string' ? [dependencies] : dependencies;
  }

  /** Whether no key depends on anything: then no invalidation can reach beyond the keys it names. */
  get isEmpty(): boolean {
    return this.dependents.size === 0;
  }

  /** Whether some key depends on `dependency`. */
  hasDependents(dependency: string): boolean {
    return this.dependents.has(dependency);
  }

  /** Appends the keys that directly depend on `dependency` to `out` (a snapshot: safe to remove them next). */
  appendDependents(dependency: string, out: string[]): void {
    const keys = this.dependents.get(dependency);
    if (keys === undefined) return;
    if (typeof keys === 'string') out.push(keys);
    else for (const key of keys) out.push(key);
  }

  /** Drops everything. */
  clear(): void {
    this.dependents.clear();
    this.dependenciesByKey.clear();
  }

  /** Number of dependencies indexed and of keys that have some: what the index holds in memory. */
  get size(): { dependencies: number; keys: number } {
    return { dependencies: this.dependents.size, keys: this.dependenciesByKey.size };
  }

  private removeDependent(dependency: string, key: string): void {
    const keys = this.dependents.get(dependency);
    if (keys === undefined) return;
    if (typeof keys === 'string') {
      if (keys === key) this.dependents.delete(dependency);
      return;
    }
    keys.delete(key);
    if (keys.size === 0) this.dependents.delete(dependency);
  }
}
