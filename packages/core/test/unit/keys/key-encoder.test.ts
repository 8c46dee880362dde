import { registerCacheKeyMember } from '../../../src/keys/cache-key-members';
import { encodeKeyValue, UnkeyableValue } from '../../../src/keys/key-encoder';

const encode = encodeKeyValue;

function problemOf(value: unknown, root = 'value'): string {
  try {
    encode(value);
  } catch (error) {
    if (error instanceof UnkeyableValue) return error.describe(root);
    throw error;
  }
  throw new Error('expected the value to be unkeyable');
}

describe('encodeKeyValue', () => {
  it('keeps values of different types distinct', () => {
    const values = [1, '1', true, 'true', null, 'null', undefined, 'undefined', 1n, '1n', [1], '[1]', { a: 1 }, new Date(1), new Set([1]), new Map([[1, 1]]), NaN, Infinity, -Infinity];
    const encodings = values.map((value) => encode(value));
    expect(new Set(encodings).size).toBe(values.length);
  });

  it('encodes primitives readably', () => {
    expect([1, -2.5, NaN, Infinity, -Infinity, 1e21].map(encode)).toEqual(['1', '-2.5', 'NaN', 'Infinity', '-Infinity', '1e+21']);
    expect([true, false, null, undefined, 12n, -3n].map(encode)).toEqual(['true', 'false', 'null', 'undefined', '12n', '-3n']);
    expect(encode('plain')).toBe('"plain"');
  });

  it('treats -0 as 0, as === and Map keys do', () => {
    expect(encode(-0)).toBe(encode(0));
  });

  it('escapes strings so that quotes, commas and control characters cannot forge structure', () => {
    expect(encode('a"b')).toBe(JSON.stringify('a"b'));
    expect(encode('a\\b')).toBe(JSON.stringify('a\\b'));
    expect(encode('line\nbreak')).toBe('"line\\nbreak"');
    expect(encode(['a', 'b'])).not.toBe(encode(['a","b']));
    expect(encode('é ✓ 😀')).toBe('"é ✓ 😀"');
  });

  it('encodes dates by time value, invalid dates included', () => {
    expect(encode(new Date(1_700_000_000_000))).toBe('Date(1700000000000)');
    expect(encode(new Date(Number.NaN))).toBe('Date(NaN)');
    expect(encode(new Date(5))).not.toBe(encode(5));
  });

  it('encodes arrays in order, with holes as undefined', () => {
    expect(encode([1, 'a', [null]])).toBe('[1,"a",[null]]');
    expect(encode([1, 2])).not.toBe(encode([2, 1]));
    expect(encode([1, , 3])).toBe('[1,undefined,3]');
  });

  it('sorts plain object keys and omits undefined values, as JSON does', () => {
    expect(encode({ b: 2, a: 1 })).toBe('{"a":1,"b":2}');
    expect(encode({ a: 1, b: 2 })).toBe(encode({ b: 2, a: 1 }));
    expect(encode({ a: 1, skipped: undefined })).toBe(encode({ a: 1 }));
    expect(encode({ nested: { y: [1, { d: 4, c: 3 }], x: null } })).toBe('{"nested":{"x":null,"y":[1,{"c":3,"d":4}]}}');
    expect(encode(Object.assign(Object.create(null) as object, { a: 1 }))).toBe('{"a":1}');
    expect(encode({ '1': 1 })).not.toBe(encode({ '"1"': 1 }));
  });

  it('sorts Map and Set entries, so insertion order does not matter', () => {
    expect(encode(new Map<unknown, unknown>([['b', 2], [1, { z: 1 }]]))).toBe(encode(new Map<unknown, unknown>([[1, { z: 1 }], ['b', 2]])));
    expect(encode(new Map([['k', 1]]))).toBe('Map("k"=>1)');
    expect(encode(new Set([3, 1, 2]))).toBe(encode(new Set([1, 2, 3])));
    expect(encode(new Set(['a']))).not.toBe(encode(new Map([['a', undefined]])));
    expect(encode(new Set())).not.toBe(encode(new Map()));
    expect(encode(new Set([1]))).not.toBe(encode([1]));
  });

  it('encodes binary data, regular expressions, URLs and boxed primitives distinctly', () => {
    expect(encode(new Uint8Array([1, 2, 3]))).toBe('Uint8Array(AQID)');
    expect(encode(Buffer.from([1, 2, 3]))).toBe('Buffer(AQID)');
    expect(encode(new Uint8Array([1, 2, 3]).subarray(1))).toBe(encode(new Uint8Array([2, 3])));
    expect(encode(new Int8Array([1]))).not.toBe(encode(new Uint8Array([1])));
    expect(encode(new Uint8Array([1, 2]).buffer)).toBe('ArrayBuffer(AQI)');
    expect(encode(/a,b/gi)).toBe('RegExp("/a,b/gi")');
    expect(encode(/a/g)).not.toBe(encode(/a/i));
    expect(encode(new URL('https://example.com/a?b=1'))).toBe('URL("https://example.com/a?b=1")');
    expect(encode(Object(1) as object)).toBe('Number(1)');
    expect(encode(Object('s') as object)).toBe('String("s")');
  });

  it('encodes class instances by class name and own enumerable properties', () => {
    class Point {
      constructor(readonly y: number, readonly x: number) {}
    }
    class Other {
      constructor(readonly y: number, readonly x: number) {}
    }
    expect(encode(new Point(2, 1))).toBe('Point{"x":1,"y":2}');
    expect(encode(new Point(2, 1))).not.toBe(encode(new Other(2, 1)));
    expect(encode(new Point(2, 1))).not.toBe(encode({ x: 1, y: 2 }));
    const Anonymous = (() => class {})();
    expect(encode(new Anonymous())).toBe('""{}');
  });

  it('encodes only the @CacheKey members of a class that has some, base class members first', () => {
    class Entity {
      constructor(readonly tenant: string) {}
    }
    registerCacheKeyMember(Entity, 'tenant');
    class Product extends Entity {
      constructor(tenant: string, readonly id: number, readonly name: string) {
        super(tenant);
      }
      get slug(): string {
        return `p-${this.id}`;
      }
    }
    registerCacheKeyMember(Product, 'id');
    registerCacheKeyMember(Product, 'slug');
    expect(encode(new Product('eu', 42, 'Chair'))).toBe('Product{"eu",42,"p-42"}');
    expect(encode(new Product('eu', 42, 'Chair'))).toBe(encode(new Product('eu', 42, 'Table')));
  });

  it('accepts the same object referenced twice when there is no cycle', () => {
    const shared = { id: 1 };
    expect(encode({ a: shared, b: shared, list: [shared, shared] })).toBe('{"a":{"id":1},"b":{"id":1},"list":[{"id":1},{"id":1}]}');
  });

  it('rejects functions, symbols, promises and weak collections, with the path inside the value', () => {
    expect(problemOf(() => 0)).toBe('is a function');
    expect(problemOf(Symbol('s'))).toBe('is a symbol');
    expect(problemOf({ callback: () => 0 }, 'opts')).toBe('contains a function at opts.callback');
    expect(problemOf({ list: [1, { 'odd key': Symbol('x') }] }, 'opts')).toBe('contains a symbol at opts.list[1]["odd key"]');
    expect(problemOf(new Map([['k', () => 0]]), 'm')).toBe('contains a function at m.get("k")');
    expect(problemOf(new Map([[() => 0, 1]]), 'm')).toBe('contains a function at m.keys()[0]');
    expect(problemOf(new Set([1, Symbol('s')]), 's')).toBe('contains a symbol at s.values()[1]');
    expect(problemOf([Promise.resolve(1)], 'p')).toBe('contains a Promise at p[0]');
    expect(problemOf(new WeakMap())).toBe('is a WeakMap (its contents cannot be enumerated)');
  });

  it('rejects cycles, reporting where the value refers back to a container', () => {
    const node: { name: string; children: unknown[] } = { name: 'root', children: [] };
    node.children.push({ parent: node });
    expect(problemOf(node, 'tree')).toBe('contains a cycle (a reference back to a value that contains it) at tree.children[0].parent');
    const list: unknown[] = [];
    list.push(list);
    expect(problemOf(list, 'list')).toBe('contains a cycle (a reference back to a value that contains it) at list[0]');
  });

  it('recovers after a failure: a later encoding of a fresh value is unaffected', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => encode({ deep: { deeper: cyclic } })).toThrow(UnkeyableValue);
    expect(encode({ deep: { deeper: { ok: true } } })).toBe('{"deep":{"deeper":{"ok":true}}}');
  });

  it('reports a throwing getter as a problem at its path, keeping the cause', () => {
    const boom = new Error('boom');
    const value = {
      get broken(): number {
        throw boom;
      },
    };
    let caught: unknown;
    try {
      encode({ inner: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnkeyableValue);
    expect((caught as UnkeyableValue).describe('o')).toBe('contains a member that threw when read (boom) at o.inner.broken');
    expect((caught as UnkeyableValue).cause).toBe(boom);
  });
});
