import { DependencyIndex } from '../../../src/backends/dependency-index';

/** The keys that directly depend on `dependency`. */
function dependentsOf(index: DependencyIndex, dependency: string): string[] {
  const keys: string[] = [];
  index.appendDependents(dependency, keys);
  return keys;
}

describe('DependencyIndex', () => {
  it('lists the keys that depend on a dependency, as a copy safe to change while iterating', () => {
    const index = new DependencyIndex();
    index.add('a', ['t', 'u']);
    index.add('b', ['t']);
    const dependents = dependentsOf(index, 't');
    expect(dependents.sort()).toEqual(['a', 'b']);
    for (const key of dependents) index.remove(key);
    expect(dependentsOf(index, 't')).toEqual([]);
    expect(dependentsOf(index, 'unknown')).toEqual([]);
  });

  it('forgets a dependency once no key depends on it', () => {
    const index = new DependencyIndex();
    index.add('a', ['t', 'u']);
    index.add('b', ['t']);
    index.remove('a');
    expect(index.size).toEqual({ dependencies: 1, keys: 1 });
    index.remove('b');
    index.remove('b');
    expect(index.size).toEqual({ dependencies: 0, keys: 0 });
  });

  it('drops everything on clear', () => {
    const index = new DependencyIndex();
    index.add('a', ['t']);
    index.clear();
    expect(index.size).toEqual({ dependencies: 0, keys: 0 });
    expect(dependentsOf(index, 't')).toEqual([]);
  });
});
