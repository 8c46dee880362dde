const NONE: readonly string[] = [];

/**
 * Which keys depend on which tags or keys, kept in step with the entries that declare them so that it
 * never outgrows the cache.
 */
export class DependencyIndex {
  private readonly dependents = new Map<string, Set<string>>();
  private readonly dependenciesByKey = new Map<string, readonly string[]>();

  /** Records that `key` depends on `dependencies` (replacing nothing: call {@link remove} first). */
  add(key: string, dependencies: readonly string[]): void {
    this.dependenciesByKey.set(key, dependencies);
    for (const dependency of dependencies) {
      let keys = this.dependents.get(dependency);
      if (keys === undefined) {
        keys = new Set();
        this.dependents.set(dependency, keys);
      }
      keys.add(key);
    }
  }

  /** Forgets `key`'s dependencies; called whenever its entry leaves the cache. */
  remove(key: string): void {
    const dependencies = this.dependenciesByKey.get(key);
    if (dependencies === undefined) return;
    this.dependenciesByKey.delete(key);
    for (const dependency of dependencies) {
      const keys = this.dependents.get(dependency);
      if (keys === undefined) continue;
      keys.delete(key);
      if (keys.size === 0) this.dependents.delete(dependency);
    }
  }

  /** What `key` depends on. */
  dependenciesOf(key: string): readonly string[] {
    return this.dependenciesByKey.get(key) ?? NONE;
  }

  /** The keys that directly depend on `dependency`, as a copy safe to iterate while removing. */
  dependentsOf(dependency: string): string[] {
    const keys = this.dependents.get(dependency);
    return keys === undefined ? [] : [...keys];
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
}
