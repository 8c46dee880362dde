import { createHash } from 'node:crypto';
import { CacheConfigurationError, CacheKeyError } from '../../../src/errors';
import { registerCacheKeyMember } from '../../../src/keys/cache-key-members';
import { DefaultKeyBuilder } from '../../../src/keys/default-key-builder';
import type { MethodKeyDescriptor, MethodKeyFunction } from '../../../src/keys/key-builder';

const context = { namespace: 'shop' };

function compile(overrides: Partial<MethodKeyDescriptor> & { parameterNames?: readonly (string | undefined)[] } = {}, builder = new DefaultKeyBuilder()): MethodKeyFunction {
  const parameterNames = overrides.parameterNames ?? ['id', 'opts'];
  return builder.compileMethodKey(
    {
      className: 'Catalogue',
      methodName: 'getUser',
      isStatic: false,
      keyParameterIndexes: parameterNames.map((_, index) => index),
      ...overrides,
      parameterNames,
    },
    context,
  );
}

function keyError(run: () => unknown): CacheKeyError {
  try {
    run();
  } catch (error) {
    if (error instanceof CacheKeyError) return error;
    throw error;
  }
  throw new Error('expected a CacheKeyError');
}

describe('DefaultKeyBuilder', () => {
  describe('method keys', () => {
    it('reads namespace:Class.method(args)', () => {
      const key = compile();
      expect(key(undefined, [42, { include: ['orders'] }])).toBe('shop:Catalogue.getUser(42,{"include":["orders"]})');
      expect(compile({ parameterNames: [] })(undefined, [])).toBe('shop:Catalogue.getUser()');
      expect(compile({ parameterNames: ['id'] })(undefined, ['7'])).toBe('shop:Catalogue.getUser("7")');
      expect(compile({ parameterNames: ['a', 'b', 'c'] })(undefined, [1, 'x', null])).toBe('shop:Catalogue.getUser(1,"x",null)');
    });

    it('keeps the same method on two classes, and two methods of a class, apart', () => {
      const builder = new DefaultKeyBuilder();
      const descriptor = { methodName: 'get', parameterNames: ['id'], keyParameterIndexes: [0], isStatic: false };
      const onA = builder.compileMethodKey({ ...descriptor, className: 'A' }, context);
      const onB = builder.compileMethodKey({ ...descriptor, className: 'B' }, context);
      const other = builder.compileMethodKey({ ...descriptor, className: 'A', methodName: 'find' }, context);
      expect(onA(undefined, [1])).not.toBe(onB(undefined, [1]));
      expect(onA(undefined, [1])).not.toBe(other(undefined, [1]));
      expect(onA(undefined, [1])).not.toBe(builder.compileMethodKey({ ...descriptor, className: 'A' }, { namespace: 'other' })(undefined, [1]));
    });

    it('distinguishes argument values by type and keeps argument boundaries', () => {
      const key = compile({ parameterNames: ['a', 'b'] });
      expect(key(undefined, [1, 2])).not.toBe(key(undefined, ['1', 2]));
      expect(key(undefined, [null, 1])).not.toBe(key(undefined, [undefined, 1]));
      expect(key(undefined, ['a,b', 'c'])).not.toBe(key(undefined, ['a', 'b,c']));
      expect(key(undefined, [1n, 1])).not.toBe(key(undefined, [1, 1]));
      expect(key(undefined, [new Date(0), 1])).not.toBe(key(undefined, [0, 1]));
      expect(key(undefined, [[1, 2], 3])).not.toBe(key(undefined, [[1], [2, 3]]));
    });

    it('gives equal keys for equal structures regardless of object key and Map/Set insertion order', () => {
      const key = compile({ parameterNames: ['filter'] });
      expect(key(undefined, [{ a: 1, b: { c: [1], d: 2 } }])).toBe(key(undefined, [{ b: { d: 2, c: [1] }, a: 1 }]));
      expect(key(undefined, [new Map([['x', 1], ['y', 2]])])).toBe(key(undefined, [new Map([['y', 2], ['x', 1]])]));
      expect(key(undefined, [new Set(['x', 'y'])])).toBe(key(undefined, [new Set(['y', 'x'])]));
    });

    it('encodes only the key parameters, in order, so @NotCacheKey arguments do not change the key', () => {
      const key = compile({ parameterNames: ['id', 'logger', 'locale'], keyParameterIndexes: [0, 2] });
      expect(key(undefined, [1, { log: () => 0 }, 'en'])).toBe('shop:Catalogue.getUser(1,"en")');
      expect(key(undefined, [1, 'anything else', 'en'])).toBe(key(undefined, [1, { log: () => 0 }, 'en']));
      const many = compile({ parameterNames: ['a', 'b', 'c', 'd'], keyParameterIndexes: [0, 1, 3] });
      expect(many(undefined, [1, 2, 'skip', 4])).toBe('shop:Catalogue.getUser(1,2,4)');
    });

    it('uses the result of a custom key function as the only key item', () => {
      const key = compile({ customKey: (id: unknown, opts: unknown) => ({ id, lang: (opts as { lang: string }).lang }) });
      expect(key(undefined, [1, { lang: 'en', callback: () => 0 }])).toBe('shop:Catalogue.getUser({"id":1,"lang":"en"})');
      const error = keyError(() => compile({ customKey: () => ({ fn: () => 0 }) })(undefined, []));
      expect(error.location).toEqual({ className: 'Catalogue', methodName: 'getUser', index: 0, parameterName: 'the `key` function result' });
      expect(error.message).toContain('contains a function at key(…).fn');
    });
  });

  describe('`this` in the key', () => {
    class Repository {
      constructor(readonly region: string, readonly connection: object) {}
    }
    registerCacheKeyMember(Repository, 'region');
    class EuRepository extends Repository {}
    class Singleton {
      constructor(readonly state: number) {}
    }

    it('is left out for classes without @CacheKey members: instances share entries', () => {
      const key = compile({ parameterNames: ['id'] });
      expect(key(new Singleton(1), [5])).toBe('shop:Catalogue.getUser(5)');
      expect(key(new Singleton(1), [5])).toBe(key(new Singleton(2), [5]));
    });

    it('comes first, as this=Class{members}, for instances of a class with @CacheKey members, including subclasses', () => {
      const key = compile({ parameterNames: ['id'] });
      expect(key(new Repository('eu', {}), [5])).toBe('shop:Catalogue.getUser(this=Repository{"eu"},5)');
      expect(key(new Repository('us', {}), [5])).not.toBe(key(new Repository('eu', {}), [5]));
      expect(key(new EuRepository('eu', {}), [5])).toBe('shop:Catalogue.getUser(this=EuRepository{"eu"},5)');
      expect(compile({ parameterNames: [] })(new Repository('eu', {}), [])).toBe('shop:Catalogue.getUser(this=Repository{"eu"})');
      // The per-method constructor cache follows the object actually called on.
      expect(key(new Singleton(1), [5])).toBe('shop:Catalogue.getUser(5)');
    });

    it('is never part of the key of a static method', () => {
      const key = compile({ parameterNames: ['id'], isStatic: true });
      expect(key(new Repository('eu', {}), [5])).toBe('shop:Catalogue.getUser(5)');
    });

    it('reports an unkeyable @CacheKey member at index -1', () => {
      class Broken {
        readonly key = Symbol('k');
      }
      registerCacheKeyMember(Broken, 'key');
      const error = keyError(() => compile({ parameterNames: ['id'] })(new Broken(), [1]));
      expect(error.location).toEqual({ className: 'Catalogue', methodName: 'getUser', index: -1, parameterName: undefined });
      expect(error.message).toContain('`this` contains a symbol at this.key');
    });
  });

  describe('unkeyable arguments', () => {
    it('throws a CacheKeyError naming the method, argument and path', () => {
      const error = keyError(() => compile()(undefined, [1, { include: [], callback: () => 0 }]));
      expect(error.code).toBe('E_CACHE_KEY');
      expect(error.location).toEqual({ className: 'Catalogue', methodName: 'getUser', index: 1, parameterName: 'opts' });
      expect(error.message).toContain('Cannot build a cache key for Catalogue.getUser: argument 1 (opts) contains a function at opts.callback.');
    });

    it('reports symbols, top-level functions and cycles', () => {
      expect(keyError(() => compile()(undefined, [Symbol('s'), 1])).message).toContain('argument 0 (id) is a symbol');
      expect(keyError(() => compile({ parameterNames: ['a', 'b', 'fn'] })(undefined, [1, 2, () => 0])).message).toContain('argument 2 (fn) is a function');
      const cyclic: { self?: unknown } = {};
      cyclic.self = { again: cyclic };
      const error = keyError(() => compile()(undefined, [1, cyclic]));
      expect(error.location.index).toBe(1);
      expect(error.message).toContain('argument 1 (opts) contains a cycle (a reference back to a value that contains it) at opts.self.again');
    });

    it('names an argument without a parameter name by position', () => {
      const error = keyError(() => compile({ parameterNames: [undefined] })(undefined, [{ f: () => 0 }]));
      expect(error.location.parameterName).toBeUndefined();
      expect(error.message).toContain('argument 0 contains a function at arguments[0].f');
    });

    it('accepts an object referenced twice without a cycle', () => {
      const shared = { id: 1 };
      expect(compile()(undefined, [shared, [shared, shared]])).toBe('shop:Catalogue.getUser({"id":1},[{"id":1},{"id":1}])');
    });
  });

  describe('long keys', () => {
    it('hashes keys longer than maxKeyLength, keeping a readable prefix and a stable hash', () => {
      const key = compile({ parameterNames: ['text'] }, new DefaultKeyBuilder({ maxKeyLength: 64 }));
      const long = 'x'.repeat(100);
      const hashed = key(undefined, [long]);
      expect(hashed).toMatch(/^shop:Catalogue\.getUser~[A-Za-z0-9_-]{43}$/);
      expect(key(undefined, [long])).toBe(hashed);
      expect(key(undefined, [long + 'y'])).not.toBe(hashed);
      // Stable across processes and releases: the SHA-256 of the full key, base64url.
      expect(hashed).toBe('shop:Catalogue.getUser~' + createHash('sha256').update(`shop:Catalogue.getUser("${long}")`).digest('base64url'));
      expect(key(undefined, ['short'])).toBe('shop:Catalogue.getUser("short")');
    });

    it('keeps keys of exactly maxKeyLength and never hashes with Infinity', () => {
      const exact = 'shop:Catalogue.getUser("")'.length + 40;
      const key = compile({ parameterNames: ['text'] }, new DefaultKeyBuilder({ maxKeyLength: exact }));
      expect(key(undefined, ['y'.repeat(40)])).toHaveLength(exact);
      expect(key(undefined, ['y'.repeat(41)])).toContain('~');
      const unbounded = compile({ parameterNames: ['text'] }, new DefaultKeyBuilder({ maxKeyLength: Infinity }));
      expect(unbounded(undefined, ['z'.repeat(5000)])).toHaveLength('shop:Catalogue.getUser("")'.length + 5000);
    });

    it('defaults to 1024 characters', () => {
      const key = compile({ parameterNames: ['text'] });
      const base = 'shop:Catalogue.getUser("")'.length;
      expect(key(undefined, ['a'.repeat(1024 - base)])).toHaveLength(1024);
      expect(key(undefined, ['a'.repeat(1025 - base)])).toContain('~');
    });

    it.each([0, 10, 63, 100.5, -1, NaN, '100' as unknown as number])('rejects maxKeyLength %p', (maxKeyLength) => {
      let caught: unknown;
      try {
        new DefaultKeyBuilder({ maxKeyLength });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CacheConfigurationError);
      expect((caught as CacheConfigurationError).option).toBe('keyBuilder.maxKeyLength');
    });
  });

  describe('objectKey', () => {
    class Product {
      constructor(readonly id: number, readonly name: string) {}
    }
    registerCacheKeyMember(Product, 'id');

    it('keys a @CacheKey entity by its key members only', () => {
      const builder = new DefaultKeyBuilder();
      expect(builder.objectKey(new Product(42, 'Chair'), context)).toBe('shop:Product{42}');
      expect(builder.objectKey(new Product(42, 'Table'), context)).toBe('shop:Product{42}');
      expect(builder.objectKey({ b: 1, a: 2 }, context)).toBe('shop:{"a":2,"b":1}');
    });

    it('hashes long object keys behind a readable prefix', () => {
      const builder = new DefaultKeyBuilder({ maxKeyLength: 64 });
      expect(builder.objectKey(new Product(Number.MAX_SAFE_INTEGER, 'x'), context)).toBe('shop:Product{9007199254740991}');
      expect(builder.objectKey({ text: 'x'.repeat(100) }, context)).toMatch(/^shop:Object~[A-Za-z0-9_-]{43}$/);
    });

    it('throws a CacheKeyError located at the value for an unkeyable object', () => {
      class Holder {
        constructor(readonly callback: () => void) {}
      }
      const error = keyError(() => new DefaultKeyBuilder().objectKey(new Holder(() => undefined), context));
      expect(error.location).toEqual({ className: 'Holder', methodName: 'objectKey', index: 0, parameterName: 'value' });
      expect(error.message).toContain('Cannot build a cache key for Holder.objectKey: argument 0 (value) contains a function at value.callback.');
    });
  });
});
