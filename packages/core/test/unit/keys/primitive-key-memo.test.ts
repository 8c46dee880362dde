import { DefaultKeyBuilder } from '../../../src/keys/default-key-builder';
import type { MethodKeyFunction } from '../../../src/keys/key-builder';

function compileOneArgument(isStatic = false): MethodKeyFunction {
  return new DefaultKeyBuilder({ maxKeyLength: 64 }).compileMethodKey(
    { className: 'Catalogue', methodName: 'getName', isStatic, parameterNames: ['id'], keyParameterIndexes: [0] },
    { namespace: 'shop' },
  );
}

describe('keys of a one-primitive-argument method (remembered per argument value)', () => {
  it('are the same keys as built afresh, for numbers and strings, across more values than are remembered', () => {
    const key = compileOneArgument();
    const service = {};
    for (let round = 0; round < 2; round++) {
      for (let id = 0; id < 3000; id++) expect(key(service, [id])).toBe(`shop:Catalogue.getName(${id})`);
    }
    expect(key(service, ['7'])).toBe('shop:Catalogue.getName("7")');
    expect(key(service, [7])).toBe('shop:Catalogue.getName(7)');
    expect(key(service, [-0])).toBe(key(service, [0]));
    expect(key(service, [NaN])).toBe('shop:Catalogue.getName(NaN)');
  });

  it('still escape strings, hash long keys and encode other values', () => {
    const key = compileOneArgument(true);
    expect(key(undefined, ['a"b'])).toBe('shop:Catalogue.getName("a\\"b")');
    expect(key(undefined, ['x'.repeat(60)])).toMatch(/^shop:Catalogue\.getName~[\w-]{43}$/);
    expect(key(undefined, ['x'.repeat(200)])).toMatch(/^shop:Catalogue\.getName~[\w-]{43}$/);
    expect(key(undefined, [true])).toBe('shop:Catalogue.getName(true)');
    expect(key(undefined, [{ a: 1 }])).toBe('shop:Catalogue.getName({"a":1})');
  });
});
