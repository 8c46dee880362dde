import { DefaultKeyBuilder } from '../../../src/keys/default-key-builder';
import type { MethodKeyFunction } from '../../../src/keys/key-builder';

function compileTwoArguments(): MethodKeyFunction {
  return new DefaultKeyBuilder().compileMethodKey(
    { className: 'Users', methodName: 'getUser', isStatic: true, parameterNames: ['id', 'opts'], keyParameterIndexes: [0, 1] },
    { namespace: 'shop' },
  );
}

/** The key a method compiled afresh (nothing remembered yet) gives for `args`. */
function freshKey(args: unknown[]): string {
  return compileTwoArguments()(undefined, args);
}

describe('keys of a method with an options argument (encodings remembered per structure)', () => {
  it('are the keys built afresh while equal options objects repeat, for many ids', () => {
    const key = compileTwoArguments();
    for (let round = 0; round < 2; round++) {
      for (let id = 0; id < 3000; id++) {
        expect(key(undefined, [id, { include: ['profile', 'teams'] }])).toBe(`shop:Users.getUser(${id},{"include":["profile","teams"]})`);
      }
    }
  });

  it('follow a mutated options object, a change deep inside it, and a change of property order', () => {
    const key = compileTwoArguments();
    const opts: { include: string[]; depth?: number | undefined } = { include: ['a'] };
    expect(key(undefined, [1, opts])).toBe(freshKey([1, { include: ['a'] }]));
    opts.include.push('b');
    expect(key(undefined, [1, opts])).toBe('shop:Users.getUser(1,{"include":["a","b"]})');
    opts.include[0] = 'z';
    expect(key(undefined, [1, opts])).toBe('shop:Users.getUser(1,{"include":["z","b"]})');
    opts.depth = 2;
    expect(key(undefined, [1, opts])).toBe('shop:Users.getUser(1,{"depth":2,"include":["z","b"]})');
    opts.depth = undefined;
    expect(key(undefined, [1, opts])).toBe('shop:Users.getUser(1,{"include":["z","b"]})');
    expect(key(undefined, [1, { depth: 2, include: ['z', 'b'] }])).toBe(key(undefined, [1, { include: ['z', 'b'], depth: 2 }]));
  });

  it('tell apart values that compare loosely alike or change type', () => {
    const key = compileTwoArguments();
    const cases: unknown[] = [{ a: 1 }, { a: '1' }, { a: [1] }, { a: { 0: 1 } }, { a: null }, { a: undefined }, {}, [1], { a: NaN }, { a: NaN }, { a: 1n }, { a: -0 }, { a: 0 }, 'x', 2, { a: new Date(5) }, { a: new Date(6) }];
    for (const value of cases) expect(key(undefined, [7, value])).toBe(freshKey([7, value]));
  });

  it('never reuse an encoding across accessors, proxies or class instances, whose reads may differ', () => {
    const key = compileTwoArguments();
    let reads = 0;
    const counting = {
      get n(): number {
        return ++reads;
      },
    };
    expect(key(undefined, [1, counting])).toBe('shop:Users.getUser(1,{"n":1})');
    expect(key(undefined, [1, counting])).toBe('shop:Users.getUser(1,{"n":2})');
    let answer = 1;
    const proxy = new Proxy({ n: 0 }, { get: () => answer });
    expect(key(undefined, [1, proxy])).toBe('shop:Users.getUser(1,{"n":1})');
    answer = 2;
    expect(key(undefined, [1, proxy])).toBe('shop:Users.getUser(1,{"n":2})');
    class Box {
      constructor(public n: number) {}
    }
    const box = new Box(1);
    expect(key(undefined, [1, box])).toBe('shop:Users.getUser(1,Box{"n":1})');
    box.n = 2;
    expect(key(undefined, [1, box])).toBe('shop:Users.getUser(1,Box{"n":2})');
  });

  it('remember per argument value: another first argument or another options object each get their own key', () => {
    const key = compileTwoArguments();
    expect(key(undefined, ['a', { x: 1 }])).toBe('shop:Users.getUser("a",{"x":1})');
    expect(key(undefined, ['a', { x: 2 }])).toBe('shop:Users.getUser("a",{"x":2})');
    expect(key(undefined, ['a', 3])).toBe('shop:Users.getUser("a",3)');
    expect(key(undefined, ['a', '3'])).toBe('shop:Users.getUser("a","3")');
    expect(key(undefined, [{ id: 1 }, { x: 1 }])).toBe('shop:Users.getUser({"id":1},{"x":1})');
  });
});

describe('keys with long options (not remembered per first argument)', () => {
  it('are built correctly, encoding the options once per call', () => {
    const key = compileTwoArguments();
    const long = { text: 'x'.repeat(300) };
    expect(key(undefined, [1, long])).toBe(`shop:Users.getUser(1,{"text":"${'x'.repeat(300)}"})`);
    expect(key(undefined, [1, long])).toBe(`shop:Users.getUser(1,{"text":"${'x'.repeat(300)}"})`);
    let reads = 0;
    const counting = {
      get text(): string {
        reads++;
        return 'y'.repeat(300);
      },
    };
    const fresh = compileTwoArguments();
    expect(fresh(undefined, [2, counting])).toBe(`shop:Users.getUser(2,{"text":"${'y'.repeat(300)}"})`);
    expect(reads).toBe(1);
  });
});
