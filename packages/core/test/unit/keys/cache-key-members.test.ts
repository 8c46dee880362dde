import { cacheKeyMembersOf, registerCacheKeyMember } from '../../../src/keys/cache-key-members';

const metadataSymbol = (Symbol as { metadata?: symbol }).metadata ?? Symbol.for('Symbol.metadata');

/** Attaches a TC39-style metadata object to a class, inheriting from its base's, as TypeScript emits it. */
function withMetadata(ctor: Function): object {
  const base = Object.getPrototypeOf(ctor) as Record<symbol, object | undefined>;
  const metadata = Object.create(base[metadataSymbol] ?? null) as object;
  Object.defineProperty(ctor, metadataSymbol, { value: metadata, configurable: true });
  return metadata;
}

describe('cache key members', () => {
  const hadSymbol = (Symbol as { metadata?: symbol }).metadata !== undefined;
  beforeAll(() => {
    if (!hadSymbol) Object.defineProperty(Symbol, 'metadata', { value: metadataSymbol, configurable: true });
  });
  afterAll(() => {
    if (!hadSymbol) delete (Symbol as { metadata?: symbol }).metadata;
  });

  it('returns undefined for a class without members', () => {
    class Plain {}
    expect(cacheKeyMembersOf(Plain)).toBeUndefined();
  });

  it('collects members registered on the constructor (legacy decorators), without duplicates', () => {
    class Legacy {}
    registerCacheKeyMember(Legacy, 'id');
    registerCacheKeyMember(Legacy, 'id');
    registerCacheKeyMember(Legacy, 'region');
    expect(cacheKeyMembersOf(Legacy)).toEqual(['id', 'region']);
  });

  it('collects members registered on the decorator metadata object (TC39 decorators)', () => {
    class Standard {}
    const symbolMember = Symbol('key');
    const metadata = withMetadata(Standard);
    registerCacheKeyMember(metadata, 'id');
    registerCacheKeyMember(metadata, symbolMember);
    expect(cacheKeyMembersOf(Standard)).toEqual(['id', symbolMember]);
  });

  it('merges members up the class chain, base class first, for both flavours', () => {
    class Base {}
    registerCacheKeyMember(withMetadata(Base), 'tenant');
    class Middle extends Base {}
    class Leaf extends Middle {}
    registerCacheKeyMember(withMetadata(Leaf), 'id');
    expect(cacheKeyMembersOf(Middle)).toEqual(['tenant']);
    expect(cacheKeyMembersOf(Leaf)).toEqual(['tenant', 'id']);

    class LegacyBase {}
    registerCacheKeyMember(LegacyBase, 'tenant');
    class LegacyLeaf extends LegacyBase {}
    registerCacheKeyMember(LegacyLeaf, 'id');
    expect(cacheKeyMembersOf(LegacyLeaf)).toEqual(['tenant', 'id']);
  });

  it('sees members registered after an earlier lookup', () => {
    class Late {}
    expect(cacheKeyMembersOf(Late)).toBeUndefined();
    registerCacheKeyMember(Late, 'id');
    expect(cacheKeyMembersOf(Late)).toEqual(['id']);
  });
});
