import { type CacheSerializer, UnserializableValueError, V8Serializer } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { Instances } from './support/shop';

class Money {
  constructor(readonly cents: number) {}
}

describe('values through the second level', () => {
  const instances = new Instances();
  afterEach(() => instances.disposeAll());

  const faithful: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a Date', new Date(Date.UTC(2026, 11, 7))],
    ['a Map', new Map<unknown, unknown>([[1, 'one'], ['two', { nested: [2n] }]])],
    ['a Set', new Set(['a', 1, null])],
    ['a BigInt', 2n ** 70n],
    ['typed arrays', { bytes: Uint8Array.from([1, 2, 255]), floats: Float64Array.from([1.5, -0]), buffer: Buffer.from('hi') }],
    ['nested plain objects', { a: { b: [1, 'two', { c: true, d: undefined }] }, empty: {} }],
  ];

  it.each(faithful)('round-trips %s from one instance to another', async (_, value) => {
    const [a, b] = [await instances.create(), await instances.create()];
    instances.db.set(1, value);
    expect(await a.shop.getValue(1)).toBe(value);
    instances.db.delete(1);
    expect(await b.shop.getValue(1)).toStrictEqual(value);
    expect(b.shop.runs.value).toBe(0);
  });

  it.each([
    ['a class instance', new Money(5), 'Money'],
    ['a class instance deep inside', { prices: [new Map([['eur', new Money(5)]])] }, 'Money'],
    ['a function', { format: () => '5 €' }, 'function'],
  ])('refuses %s: the caller gets it, it stays in memory only, and an error event names the method and the type', async (_, value, type) => {
    const [a, b] = [await instances.create(), await instances.create()];
    instances.db.set(1, value);
    const reported = nextEvent(a.service, 'error');
    expect(await a.shop.getValue(1)).toBe(value);
    const { error, operation } = await reported;
    expect(error).toBeInstanceOf(UnserializableValueError);
    expect(error).toMatchObject({ code: 'E_UNSERIALIZABLE', valueType: type });
    expect((error as Error).message).toContain('Shop.getValue');
    expect(operation).toContain('Shop.getValue');
    expect(await a.shop.getValue(1)).toBe(value); // a hit in memory
    expect(a.shop.runs.value).toBe(1);
    expect(a.service.stats().l2).toMatchObject({ unserializable: 1, writes: 0 });
    await b.shop.getValue(1);
    expect(b.shop.runs.value).toBe(1);
  });

  it('takes a serializer of the application, for the classes it knows', async () => {
    const base = new V8Serializer();
    const money: CacheSerializer = {
      serialize: (value) => base.serialize(value instanceof Money ? { money: value.cents } : value),
      deserialize: (bytes) => {
        const value = base.deserialize(bytes) as { money?: number };
        return typeof value?.money === 'number' ? new Money(value.money) : value;
      },
    };
    const [a, b] = [await instances.create({ l2: { serializer: money } }), await instances.create({ l2: { serializer: money } })];
    instances.db.set(1, new Money(5));
    await a.shop.getValue(1);
    expect(await b.shop.getValue(1)).toEqual(new Money(5));
    expect(await b.shop.getValue(1)).toBeInstanceOf(Money);
    expect(b.shop.runs.value).toBe(0);
  });
});
