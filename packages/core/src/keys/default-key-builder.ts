import { createHash } from 'node:crypto';
import { CacheConfigurationError, CacheKeyError, type KeyArgumentLocation } from '../errors';
import { cacheKeyMembersOf } from './cache-key-members';
import type { KeyBuilder, KeyContext, MethodKeyDescriptor, MethodKeyFunction } from './key-builder';
import { classNameOf, encodeKeyValue, encodeString, UnkeyableValue } from './key-encoder';
import { RememberedKeys } from './remembered-keys';
import { matchesSnapshot, takeSnapshot, type ValueSnapshot } from './value-snapshot';

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

/** Keys remembered per method when the backend does not say how many entries it holds. */
const DEFAULT_REMEMBERED_KEYS = 10_000;
/** Longest string argument whose key is remembered (longer ones are rare as keys, and costly to hold). */
const KEY_MEMO_MAX_STRING = 64;
/** Longest encoding of the other key arguments that a remembered key is held with. */
const KEY_MEMO_MAX_REST = 256;

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
    const build = (thisArg: unknown, args: ArrayLike<unknown>, self: string): string => finish(open + self + items.all(thisArg, args) + ')');
    const finish = (key: string): string => (key.length > maxKeyLength ? hashKey(hashedPrefix, key) : key);
    // A first key argument that is a number or short string: the finished key is remembered per value of
    // it and encoding of the other arguments (see RememberedKeys), as many as the backend holds entries. The
    // other arguments' encodings are remembered per structure (see `rememberingEncoder`), so an equal options
    // object yields the very same string and comparing it is one pointer comparison. Only short encodings of
    // the other arguments are remembered with.
    const first = items.first;
    const capacity = context.capacity;
    const remembered =
      first === undefined ? undefined : new RememberedKeys(capacity !== undefined && Number.isInteger(capacity) && capacity > 0 ? capacity : DEFAULT_REMEMBERED_KEYS);
    const lookup = (thisArg: unknown, args: ArrayLike<unknown>): string => {
      if (remembered !== undefined) {
        const value = args[first as number];
        const rest = typeof value === 'number' || (typeof value === 'string' && value.length <= KEY_MEMO_MAX_STRING) ? items.rest(args) : undefined;
        if (rest !== undefined) {
          const held = rest.length <= KEY_MEMO_MAX_REST;
          const known = held ? remembered.get(value as number | string, rest) : undefined;
          if (known !== undefined) return known;
          const key = finish(open + (typeof value === 'number' ? '' + value : encodeString(value as string)) + rest + ')');
          if (held) remembered.remember(value as number | string, rest, key);
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

/** How a method's key items (without `this`) are encoded. */
interface CompiledItems {
  /** Every item, joined by commas. */
  readonly all: ItemEncoder;
  /** Position of the first key argument when it may be remembered by value (not a rest parameter, no custom key). */
  readonly first: number | undefined;
  /** The items after the first, each preceded by a comma: for two key arguments, the same string object while the second's structure repeats. */
  readonly rest: (args: ArrayLike<unknown>) => string;
}

/** Builds the functions that encode a call's key items, specialised by their count. */
function compileItems(method: MethodKeyDescriptor): CompiledItems {
  const { parameterNames, customKey, restParameterIndex } = method;
  if (customKey !== undefined) {
    const result = 'the `key` function result';
    return {
      all: (thisArg, args) => encodeItem(customKey.apply(thisArg, args as unknown[]), method, 0, result, 'key(…)'),
      first: undefined,
      rest: () => '',
    };
  }
  /** Encodes one key argument after `prefix` (`,` for all but the first). */
  const encoderFor = (index: number, prefix: string): ((args: ArrayLike<unknown>) => string) => {
    const parameterName = parameterNames[index];
    const remembering = rememberingEncoder(prefix, (value) => encodeItem(value, method, index, parameterName, parameterName ?? `arguments[${index}]`));
    return (args) => {
      const value = index === restParameterIndex ? Array.prototype.slice.call(args, index) : args[index];
      // Primitive fast paths: no allocation, no try/catch.
      if (typeof value === 'number') return prefix + value;
      if (typeof value === 'string') return prefix + encodeString(value);
      return remembering(value);
    };
  };
  const indexes = method.keyParameterIndexes;
  const [firstIndex] = indexes;
  if (firstIndex === undefined) return { all: () => '', first: undefined, rest: () => '' };
  const encodeFirst = encoderFor(firstIndex, '');
  const others = indexes.slice(1).map((index) => encoderFor(index, ','));
  const [second] = others;
  let rest: (args: ArrayLike<unknown>) => string;
  if (second === undefined) rest = () => '';
  else if (others.length === 1) rest = second;
  else {
    rest = (args) => {
      let out = '';
      for (const encode of others) out += encode(args);
      return out;
    };
  }
  return {
    all: (_thisArg, args) => encodeFirst(args) + rest(args),
    first: restParameterIndex === firstIndex ? undefined : firstIndex,
    rest,
  };
}

/**
 * Wraps an encoder of non-primitive values (its result written after `prefix`) so that it remembers its
 * last result with a snapshot of the value's structure: a value with the same structure (a fresh
 * `{ include: ['orders'] }` on every call) gets the same string back without being encoded. Values with
 * accessors, proxies, class instances or over 64 parts are encoded every time.
 */
function rememberingEncoder(prefix: string, encode: (value: unknown) => string): (value: unknown) => string {
  let snapshot: ValueSnapshot | undefined;
  let encoded = '';
  return (value) => {
    if (snapshot !== undefined && matchesSnapshot(value, snapshot)) return encoded;
    const fresh = prefix + encode(value);
    snapshot = takeSnapshot(value);
    encoded = fresh;
    return fresh;
  };
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
