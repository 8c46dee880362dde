import { deserialize, serialize } from 'node:v8';
import { UnserializableValueError } from '../errors';

/**
 * Turns cached values into bytes for the second level and back. The default, {@link V8Serializer}, uses v8's
 * structured serialization; give your own (for class instances your application knows) with
 * `CachingService.create({ l2: { store, serializer } })`.
 */
export interface CacheSerializer {
  /**
   * The bytes of `value`.
   * @throws an error when `value` cannot be carried faithfully (an {@link UnserializableValueError} names
   * its type): the value then stays in the first level only, and the service reports an `error` event.
   */
  serialize(value: unknown): Uint8Array;
  /** The value `bytes` encode, as {@link CacheSerializer.serialize} wrote them. */
  deserialize(bytes: Uint8Array): unknown;
}

/** Built-in types v8 rebuilds with their own prototype. */
const BUILT_INS: readonly (abstract new (...args: never[]) => object)[] = [Date, RegExp, Map, Set, ArrayBuffer];

/** A name for the type of `value` in messages: its class's name, or `typeof` for a primitive. */
export function typeNameOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  const name: unknown = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name.length > 0 ? name : 'an anonymous class';
}

/** The type of the first value under `root` that v8 would not rebuild as it was, or `undefined`. */
function unfaithful(root: unknown): string | undefined {
  const seen = new Set<object>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'function') return 'function';
    if (typeof value === 'symbol') return 'symbol';
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value)) continue;
    const prototype: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value) || prototype === Object.prototype || prototype === null) {
      pending.push(...Object.values(value));
    } else if (value instanceof Map) {
      for (const [key, item] of value) pending.push(key, item);
    } else if (value instanceof Set) {
      pending.push(...value);
    } else if (!BUILT_INS.some((type) => prototype === type.prototype)) {
      return typeNameOf(value);
    }
  }
  return undefined;
}

/**
 * The default {@link CacheSerializer}: v8's structured serialization (`node:v8`), which round-trips
 * `undefined`, `null`, numbers, strings, booleans, BigInts, Dates, RegExps, Maps, Sets, arrays, typed
 * arrays, Buffers, ArrayBuffers and nested plain objects, cycles included, with no dependency. Before
 * serializing it walks the value and refuses (throws {@link UnserializableValueError}) what v8 would not
 * rebuild as it was: a class instance (v8 would silently make it a plain object), an Error, a function or
 * a symbol. An object with a `null` prototype comes back as a plain object. Costs one walk of the value
 * per store in the second level.
 */
export class V8Serializer implements CacheSerializer {
  /** @throws {@link UnserializableValueError} naming the type it refuses. */
  serialize(value: unknown): Uint8Array {
    const refused = unfaithful(value);
    if (refused !== undefined) throw new UnserializableValueError(refused, 'a value');
    return serialize(value);
  }

  deserialize(bytes: Uint8Array): unknown {
    return deserialize(bytes);
  }
}
