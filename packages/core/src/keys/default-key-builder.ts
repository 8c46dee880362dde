import { createHash } from 'node:crypto';
import { CacheConfigurationError, CacheKeyError, type KeyArgumentLocation } from '../errors';
import { cacheKeyMembersOf } from './cache-key-members';
import type { KeyBuilder, KeyContext, MethodKeyDescriptor, MethodKeyFunction } from './key-builder';
import { classNameOf, encodeKeyValue, encodeString, UnkeyableValue } from './key-encoder';

/** Options of the {@link DefaultKeyBuilder}. */
export interface DefaultKeyBuilderOptions {
  /**
   * Longest key, in characters, that is stored as is. A longer key is replaced by
   * `namespace:Class.method~<SHA-256 of the full key, base64url>`, which keeps the readable prefix, is stable
   * across processes, and costs one hash per call for such keys only. An integer of at least 64 (room for the
   * 43-character hash), or `Infinity` to never hash.
   *
   * @default 1024
   */
  readonly maxKeyLength?: number;
}

/** Distinct argument values whose keys a one-primitive-argument method remembers before it starts over. */
const KEY_MEMO_SIZE = 1024;
/** Longest string argument whose key is remembered (longer ones are rare as keys, and costly to hold). */
const KEY_MEMO_MAX_STRING = 64;

/** Shortest accepted {@link DefaultKeyBuilderOptions.maxKeyLength}: a hashed key needs 43 characters plus its prefix. */
const MIN_MAX_KEY_LENGTH = 64;

/** Encodes the key items of a call (without `this`), joined by commas; throws {@link CacheKeyError} at a bad item. */
type ItemEncoder = (thisArg: unknown, args: ArrayLike<unknown>) => string;

/**
 * The built-in {@link KeyBuilder}: keys read `namespace:Class.method(arg0,arg1)`.
 *
 * Arguments are encoded as described by {@link encodeKeyValue}: stable across processes, distinct across
 * types, independent of object key order and of `Map`/`Set` insertion order. Only the arguments in
 * {@link MethodKeyDescriptor.keyParameterIndexes} are encoded, in order. `this` comes first, as
 * `this=Class{…}`, only for instance methods whose object's class (or a base class) has `@CacheKey` members;
 * otherwise every instance of the class shares the method's entries, like a singleton. With a custom `key`
 * function, its result (called with `this` and every argument) is the only key item. Keys longer than
 * {@link DefaultKeyBuilderOptions.maxKeyLength} are hashed.
 *
 * @example
 * ```ts
 * CachingService.create({ keyBuilder: new DefaultKeyBuilder({ maxKeyLength: 256 }) });
 * // shop:Catalogue.getUser(42,{"include":["orders"]})
 * ```
 */
export class DefaultKeyBuilder implements KeyBuilder {
  readonly #maxKeyLength: number;

  /** @throws {@link CacheConfigurationError} when `maxKeyLength` is not an integer of at least 64 or `Infinity`. */
  constructor(options: DefaultKeyBuilderOptions = {}) {
    const maxKeyLength = options.maxKeyLength ?? 1024;
    if (typeof maxKeyLength !== 'number' || !(maxKeyLength === Infinity || (Number.isInteger(maxKeyLength) && maxKeyLength >= MIN_MAX_KEY_LENGTH))) {
      throw new CacheConfigurationError(
        'keyBuilder.maxKeyLength',
        `expected an integer of at least ${MIN_MAX_KEY_LENGTH} (a hashed key needs 43 characters plus its prefix) or Infinity, got ${String(maxKeyLength)}.`,
      );
    }
    this.#maxKeyLength = maxKeyLength;
  }

  /** @inheritDoc */
  compileMethodKey(method: MethodKeyDescriptor, context: KeyContext): MethodKeyFunction {
    const name = `${context.namespace}:${method.className}.${method.methodName}`;
    const open = name + '(';
    const hashedPrefix = name + '~';
    const maxKeyLength = this.#maxKeyLength;
    const items = compileItems(method);

    const separator = method.keyParameterIndexes.length > 0 ? ',' : '';
    const build = (thisArg: unknown, args: ArrayLike<unknown>, self: string): string => {
      const key = open + self + items(thisArg, args) + ')';
      return key.length > maxKeyLength ? hashKey(hashedPrefix, key) : key;
    };
    const only = method.customKey === undefined && method.keyParameterIndexes.length === 1 && method.restParameterIndex !== method.keyParameterIndexes[0] ? method.keyParameterIndexes[0] : undefined;
    // One number or short string as the whole key: its finished key string is remembered per value, so a
    // hit neither converts nor concatenates, and looks up a string whose hash V8 has already computed.
    // Bounded: started over when full (~100 KB at most per method).
    const memo = only === undefined ? undefined : new Map<unknown, string>();
    const lookup = (thisArg: unknown, args: ArrayLike<unknown>): string => {
      if (memo !== undefined) {
        const value = args[only as number];
        if (typeof value === 'number' || (typeof value === 'string' && value.length <= KEY_MEMO_MAX_STRING)) {
          let key = memo.get(value);
          if (key === undefined) {
            if (memo.size >= KEY_MEMO_SIZE) memo.clear();
            key = build(thisArg, args, '');
            memo.set(value, key);
          }
          return key;
        }
      }
      return build(thisArg, args, '');
    };
    if (method.isStatic || method.customKey !== undefined) return lookup;
    // One-entry cache of "does this object's class have @CacheKey members", by constructor.
    let lastConstructor: unknown;
    let lastIsKeyed = false;
    return (thisArg, args) => {
      if (typeof thisArg === 'object' && thisArg !== null) {
        const ctor: unknown = thisArg.constructor;
        if (ctor !== lastConstructor) {
          lastConstructor = ctor;
          lastIsKeyed = typeof ctor === 'function' && cacheKeyMembersOf(ctor) !== undefined;
        }
        if (lastIsKeyed) return build(thisArg, args, 'this=' + encodeItem(thisArg, method, -1, undefined, 'this') + separator);
      }
      return lookup(thisArg, args);
    };
  }

  /**
   * `namespace:` followed by the value's encoding: `shop:Product{42}` for a `@CacheKey` entity. Keys longer than
   * {@link DefaultKeyBuilderOptions.maxKeyLength} become `namespace:ClassName~<hash>`.
   *
   * @throws {@link CacheKeyError} for an unkeyable value, located at class = the value's class name,
   *   method = `objectKey`, argument 0 named `value`.
   */
  objectKey(value: object, context: KeyContext): string {
    const className = classNameOf(value);
    const key = context.namespace + ':' + encodeItem(value, { className, methodName: 'objectKey' }, 0, 'value', 'value');
    return key.length > this.#maxKeyLength ? hashKey(`${context.namespace}:${className}~`, key) : key;
  }
}

/** Builds the function that encodes a call's key items (without `this`), specialised by their count. */
function compileItems(method: MethodKeyDescriptor): ItemEncoder {
  const { parameterNames, customKey, restParameterIndex } = method;
  const encodeArgument = (args: ArrayLike<unknown>, index: number): string => {
    const value = index === restParameterIndex ? Array.prototype.slice.call(args, index) : args[index];
    // Primitive fast paths: no allocation, no try/catch.
    if (typeof value === 'number') return '' + value;
    if (typeof value === 'string') return encodeString(value);
    const parameterName = parameterNames[index];
    return encodeItem(value, method, index, parameterName, parameterName ?? `arguments[${index}]`);
  };
  if (customKey !== undefined) {
    const result = 'the `key` function result';
    return (thisArg, args) => encodeItem(customKey.apply(thisArg, args as unknown[]), method, 0, result, 'key(…)');
  }
  const indexes = method.keyParameterIndexes;
  const [first = 0, second = 0] = indexes;
  switch (indexes.length) {
    case 0:
      return () => '';
    case 1:
      return (_thisArg, args) => encodeArgument(args, first);
    case 2:
      return (_thisArg, args) => encodeArgument(args, first) + ',' + encodeArgument(args, second);
    default:
      return (_thisArg, args) => {
        let out = encodeArgument(args, first);
        for (let i = 1; i < indexes.length; i++) out += ',' + encodeArgument(args, indexes[i] as number);
        return out;
      };
  }
}

/**
 * Encodes one key item, converting an encoding failure into a {@link CacheKeyError} located at the item;
 * `rootName` starts the path inside the item (`opts` in `opts.callback`).
 */
function encodeItem(
  value: unknown,
  site: Pick<KeyArgumentLocation, 'className' | 'methodName'>,
  index: number,
  parameterName: string | undefined,
  rootName: string,
): string {
  try {
    return encodeKeyValue(value);
  } catch (error) {
    if (!(error instanceof UnkeyableValue)) throw error;
    const location = { className: site.className, methodName: site.methodName, index, parameterName };
    throw new CacheKeyError(location, error.describe(rootName), { cause: error.cause });
  }
}

function hashKey(prefix: string, key: string): string {
  return prefix + createHash('sha256').update(key).digest('base64url');
}
