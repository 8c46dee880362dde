import { Cache, CachingService, DefaultKeyBuilder, type KeyBuilder, type KeyContext, MemoryBackend } from '@cachet/core';
import type { MethodKeyFunction } from '../../../src/keys/key-builder';
import { RememberedKeys } from '../../../src/keys/remembered-keys';

describe('RememberedKeys', () => {
  it('never hold more keys than the capacity rounded up to a power of two, and keep the most recent', () => {
    const remembered = new RememberedKeys(100);
    for (let id = 0; id < 10_000; id++) {
      remembered.remember(id * 7919, '', `key ${id}`);
      expect(remembered.size).toBeLessThanOrEqual(128);
    }
    expect(remembered.get(9_999 * 7919, '')).toBe('key 9999');
    expect(remembered.get(0, '')).toBeUndefined();
  });

  it('hold every key of a key space up to the capacity, for integers and strings', () => {
    const ids = new RememberedKeys(1_000);
    const names = new RememberedKeys(1_000);
    for (let id = 0; id < 1_000; id++) {
      ids.remember(id + 5_000_000, '', `key ${id}`);
      names.remember(`user-${id}`, '', `key user-${id}`);
    }
    for (let id = 0; id < 1_000; id++) expect(ids.get(id + 5_000_000, '')).toBe(`key ${id}`);
    // Strings are hashed: in a full table, one whose set took two others since is pushed out; about 3 in 4 stay.
    const held = Array.from({ length: 1_000 }, (_, id) => names.get(`user-${id}`, '')).filter((key) => key !== undefined);
    expect(held.length).toBeGreaterThan(700);
  });

  it('tell keys apart by the encoding of the other arguments, by the type of the first, and never remember NaN', () => {
    const remembered = new RememberedKeys(10);
    remembered.remember(1, ',{"a":1}', 'k(1,{"a":1})');
    remembered.remember(1, ',{"a":2}', 'k(1,{"a":2})');
    remembered.remember('1', ',{"a":1}', 'k("1",{"a":1})');
    expect(remembered.get(1, ',{"a":1}')).toBe('k(1,{"a":1})');
    expect(remembered.get(1, ',{"a":2}')).toBe('k(1,{"a":2})');
    expect(remembered.get('1', ',{"a":1}')).toBe('k("1",{"a":1})');
    expect(remembered.get(1, ',{"a":3}')).toBeUndefined();
    remembered.remember(NaN, '', 'k(NaN)');
    expect(remembered.get(NaN, '')).toBeUndefined();
  });
});

/** Compiles `getUser(id, opts)` of a static method with a builder and context. */
function compileGetUser(builder: DefaultKeyBuilder, context: KeyContext, methodName = 'getUser'): MethodKeyFunction {
  return builder.compileMethodKey({ className: 'Users', methodName, isStatic: true, parameterNames: ['id', 'opts'], keyParameterIndexes: [0, 1] }, context);
}

describe('keys remembered by DefaultKeyBuilder, bounded by the backend capacity', () => {
  it('are the keys built afresh over a key space ten times the bound, for every method', () => {
    const builder = new DefaultKeyBuilder();
    const context = { namespace: 'shop', capacity: 100 };
    const getUser = compileGetUser(builder, context);
    const findUser = compileGetUser(builder, context, 'findUser');
    for (let round = 0; round < 3; round++) {
      for (let id = 0; id < 1_000; id++) {
        const opts = { include: id % 3 === 0 ? ['teams'] : ['profile'] };
        const encoded = JSON.stringify(opts);
        expect(getUser(undefined, [id, opts])).toBe(`shop:Users.getUser(${id},${encoded})`);
        expect(findUser(undefined, [`u${id}`, opts])).toBe(`shop:Users.findUser("u${id}",${encoded})`);
      }
    }
  });

  it('follow an options object mutated after its key was remembered, and a mutated first argument object', () => {
    const getUser = compileGetUser(new DefaultKeyBuilder(), { namespace: 'shop', capacity: 2 });
    const opts = { include: ['a'] };
    expect(getUser(undefined, [1, opts])).toBe('shop:Users.getUser(1,{"include":["a"]})');
    expect(getUser(undefined, [1, opts])).toBe('shop:Users.getUser(1,{"include":["a"]})');
    opts.include.push('b');
    expect(getUser(undefined, [1, opts])).toBe('shop:Users.getUser(1,{"include":["a","b"]})');
    const id = { n: 1 };
    expect(getUser(undefined, [id, opts])).toBe('shop:Users.getUser({"n":1},{"include":["a","b"]})');
    id.n = 2;
    expect(getUser(undefined, [id, opts])).toBe('shop:Users.getUser({"n":2},{"include":["a","b"]})');
  });

  it('are bounded by the capacity of the service backend, which the service hands its key builder', async () => {
    const contexts: KeyContext[] = [];
    const defaults = new DefaultKeyBuilder();
    const recording: KeyBuilder = {
      compileMethodKey: (method, context) => {
        contexts.push(context);
        return defaults.compileMethodKey(method, context);
      },
      objectKey: (value, context) => defaults.objectKey(value, context),
    };
    const service = CachingService.create({ backend: new MemoryBackend({ maxEntries: 50 }), keyBuilder: recording });
    class Users {
      @Cache()
      static async getName(id: number): Promise<string> {
        return `user ${id}`;
      }
    }
    service.bind(Users);
    for (let id = 0; id < 200; id++) expect(await Users.getName(id)).toBe(`user ${id}`);
    expect(await Users.getName(199)).toBe('user 199');
    expect(contexts.map((context) => context.capacity)).toEqual([50]);
    await service.dispose();
  });
});
